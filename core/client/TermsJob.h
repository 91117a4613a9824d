#pragma once

#include "NetworkJob.h"

#include <QUrl>

// Reads the version of the terms of service at op_tos_uri, which the onboard
// call must name (PROTOCOL.md 6.4): from a Terms-Version header, or from the
// page's data-terms-version attribute.
class TermsJob : public NetworkJob
{
    Q_OBJECT
public:
    TermsJob(QNetworkAccessManager *manager, const QUrl &url, QObject *parent = nullptr);
    QString version() const { return m_version; }
    QString html() const { return m_html; }

protected:
    QNetworkReply *send() override;
    void parse(int status, const QByteArray &body, QNetworkReply *reply) override;

private:
    QUrl m_url;
    QString m_version;
    QString m_html;
};
