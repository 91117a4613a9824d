#pragma once

#include "NetworkJob.h"
#include "PendingLink.h"

#include <QUrl>

// POST to the link-request endpoint (PROTOCOL.md 6.5), in one of its two
// shapes: from email_in_use with the onboarding token and the PKCE verifier
// (the same proof as onboarding), or from a session with the Bearer access
// token and the provider to add.
class LinkRequestJob : public NetworkJob
{
    Q_OBJECT
public:
    static LinkRequestJob *fromOnboarding(QNetworkAccessManager *manager, const QUrl &endpoint,
                                          const QString &onboardingToken, const QByteArray &codeVerifier,
                                          const QString &clientId, QObject *parent = nullptr);
    static LinkRequestJob *fromSession(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &accessToken,
                                       const QString &clientId, const QString &provider, QObject *parent = nullptr);

    const PendingLink &link() const { return m_link; }

protected:
    QNetworkReply *send() override;
    void parse(int status, const QByteArray &body, QNetworkReply *reply) override;

private:
    LinkRequestJob(QNetworkAccessManager *manager, const QUrl &endpoint, QObject *parent);

    QUrl m_endpoint;
    QString m_accessToken; // empty: the onboarding shape
    QJsonObject m_body;
    PendingLink m_link;
};
