#pragma once

#include "HttpRobot.h"

#include <QString>

// A person at the server's device page (PROTOCOL.md 10) in a browser that
// is only HTTP: types the code, ticks "I started this sign-in on my
// device", continues or denies, then signs in at a QA provider with the
// given form fields (a persona, or an identity).
class DevicePageRobot
{
public:
    DevicePageRobot(HttpRobot *http, const QString &issuer);

    HttpResult enterCode(const QString &userCode, const HeaderList &headers = {});
    // `action`: "continue" or "deny"; `checked`: the confirmation box.
    HttpResult confirm(const HttpResult &page, const QString &action, bool checked);
    // From the provider chooser's request id through the provider's page, redirects followed.
    HttpResult throughProvider(const QString &requestId, const QString &provider, const FieldList &fields);
    // All of it: the code, the confirmation, the provider; the last page.
    HttpResult signIn(const QString &userCode, const QString &provider, const FieldList &fields);

    static QString hiddenField(const HttpResult &page, const QString &name);

private:
    QUrl at(const QString &path) const { return QUrl(m_issuer + path); }

    HttpRobot *m_http;
    QString m_issuer;
};
