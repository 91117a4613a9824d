#pragma once

#include "NetworkJob.h"
#include "TokenResponse.h"

#include <QUrl>

// POST to the token endpoint: an authorization code exchange or a refresh.
// A public client: no secret, client_id in the body.
class TokenJob : public NetworkJob
{
    Q_OBJECT
public:
    static TokenJob *exchangeCode(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &clientId,
                                  const QString &code, const QString &redirectUri, const QByteArray &verifier,
                                  QObject *parent = nullptr);
    static TokenJob *refresh(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &clientId,
                             const QString &refreshToken, QObject *parent = nullptr);
    // One poll of the device authorization grant (RFC 8628 3.4); until the
    // person is done it fails with ServerRefused, serverError
    // authorization_pending or slow_down.
    static TokenJob *pollDevice(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &clientId,
                                const QString &deviceCode, QObject *parent = nullptr);

    const TokenResponse &response() const { return m_response; }

protected:
    QNetworkReply *send() override;
    void parse(int status, const QByteArray &body, QNetworkReply *reply) override;

private:
    TokenJob(QNetworkAccessManager *manager, const QUrl &endpoint, const QByteArray &body, QObject *parent);

    QUrl m_endpoint;
    QByteArray m_body;
    TokenResponse m_response;
};
