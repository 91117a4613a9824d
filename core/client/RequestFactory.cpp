#include "RequestFactory.h"

#include <QCoreApplication>

QByteArray RequestFactory::userAgent()
{
    const QString version = QCoreApplication::applicationVersion();
    return QByteArrayLiteral("Latchkey/") + (version.isEmpty() ? QByteArrayLiteral("0") : version.toLatin1())
        + QByteArrayLiteral(" Qt/") + QByteArray(qVersion());
}

QNetworkRequest RequestFactory::create(const QUrl &url, int timeoutMs)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    return request;
}

QNetworkRequest RequestFactory::form(const QUrl &url, int timeoutMs)
{
    QNetworkRequest request = create(url, timeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    return request;
}

QNetworkRequest RequestFactory::json(const QUrl &url, int timeoutMs)
{
    QNetworkRequest request = create(url, timeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    return request;
}

QNetworkRequest RequestFactory::authorized(const QUrl &url, const QString &accessToken, int timeoutMs)
{
    QNetworkRequest request = create(url, timeoutMs);
    request.setRawHeader(QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + accessToken.toLatin1());
    return request;
}

QNetworkRequest RequestFactory::authorizedJson(const QUrl &url, const QString &accessToken, int timeoutMs)
{
    QNetworkRequest request = authorized(url, accessToken, timeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    return request;
}
