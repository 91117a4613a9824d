#pragma once

#include <QNetworkRequest>
#include <QUrl>

// The one place requests are built: every request of the client gets the
// same headers, a transfer timeout, and no redirects (an OAuth endpoint that
// redirects is misconfigured, and following it could leak a token).
class RequestFactory
{
public:
    static constexpr int DefaultTimeoutMs = 15000;

    static QNetworkRequest create(const QUrl &url, int timeoutMs = DefaultTimeoutMs);
    static QNetworkRequest form(const QUrl &url, int timeoutMs = DefaultTimeoutMs);
    static QNetworkRequest json(const QUrl &url, int timeoutMs = DefaultTimeoutMs);
    // With "Authorization: Bearer <accessToken>" (RFC 6750 2.1).
    static QNetworkRequest authorized(const QUrl &url, const QString &accessToken, int timeoutMs = DefaultTimeoutMs);
    static QNetworkRequest authorizedJson(const QUrl &url, const QString &accessToken, int timeoutMs = DefaultTimeoutMs);
    static QByteArray userAgent();
};
