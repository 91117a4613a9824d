#include "UpstreamHttp.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrlQuery>

#include <memory>

QJsonObject UpstreamReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

UpstreamHttp::UpstreamHttp(QNetworkAccessManager *manager, int deadlineMs, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_deadlineMs(deadlineMs)
{
}

QNetworkRequest UpstreamHttp::request(const QUrl &url) const
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    // GitHub's API refuses requests without a User-Agent.
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QStringLiteral("latchkey-server/%1").arg(QCoreApplication::applicationVersion()));
    request.setTransferTimeout(m_deadlineMs);
    return request;
}

void UpstreamHttp::get(const QUrl &url, const QByteArray &bearerToken, Callback done)
{
    QNetworkRequest r = request(url);
    if (!bearerToken.isEmpty())
        r.setRawHeader(QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + bearerToken);
    watch(m_manager->get(r), std::move(done));
}

void UpstreamHttp::postForm(const QUrl &url, const QByteArray &form, const QByteArray &basicUser,
                            const QByteArray &basicPassword, Callback done)
{
    QNetworkRequest r = request(url);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    if (!basicUser.isEmpty()) {
        // RFC 6749 2.3.1: both parts form-encoded before Base64.
        const QByteArray user = QUrl::toPercentEncoding(QString::fromUtf8(basicUser));
        const QByteArray password = QUrl::toPercentEncoding(QString::fromUtf8(basicPassword));
        r.setRawHeader(QByteArrayLiteral("Authorization"), "Basic " + QByteArray(user + ':' + password).toBase64());
    }
    watch(m_manager->post(r, form), std::move(done));
}

void UpstreamHttp::watch(QNetworkReply *reply, Callback done)
{
    auto failure = std::make_shared<UpstreamReply::Failure>(UpstreamReply::Failure::None);
    auto *deadline = new QTimer(reply);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, reply, [reply, failure] {
        *failure = UpstreamReply::Failure::Timeout;
        reply->abort();
    });
    deadline->start(m_deadlineMs);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply, failure](qint64 received, qint64 total) {
        if (received > MaxBody || total > MaxBody) {
            *failure = UpstreamReply::Failure::TooLarge;
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, reply, [reply, failure, done = std::move(done)] {
        reply->deleteLater();
        UpstreamReply result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.failure = *failure;
        if (result.failure == UpstreamReply::Failure::None && result.status == 0)
            result.failure = UpstreamReply::Failure::Unreachable;
        if (result.failure == UpstreamReply::Failure::None)
            result.body = reply->read(MaxBody);
        result.detail = result.failure == UpstreamReply::Failure::None ? QStringLiteral("HTTP %1").arg(result.status)
                                                                       : reply->errorString();
        done(result);
    });
}
