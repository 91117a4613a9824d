#include "NetworkJob.h"

#include "ClientLogging.h"

#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimeZone>
#include <QTimer>
#include <QUrl>

namespace {
QByteArray methodName(QNetworkAccessManager::Operation operation)
{
    switch (operation) {
    case QNetworkAccessManager::GetOperation:
        return QByteArrayLiteral("GET");
    case QNetworkAccessManager::PostOperation:
        return QByteArrayLiteral("POST");
    case QNetworkAccessManager::PutOperation:
        return QByteArrayLiteral("PUT");
    case QNetworkAccessManager::DeleteOperation:
        return QByteArrayLiteral("DELETE");
    case QNetworkAccessManager::HeadOperation:
        return QByteArrayLiteral("HEAD");
    default:
        return QByteArrayLiteral("OTHER");
    }
}

// RFC 9110 5.6.7: an IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT"
// (Qt's RFC 2822 parser wants a numeric zone); invalid for anything else.
QDateTime httpDate(const QByteArray &header)
{
    QString text = QString::fromLatin1(header.left(64)).trimmed();
    if (!text.endsWith(QLatin1String(" GMT")))
        return {};
    text.chop(4);
    const QDateTime local = QLocale::c().toDateTime(text, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss"));
    return local.isValid() ? QDateTime(local.date(), local.time(), QTimeZone::utc()) : QDateTime();
}
} // namespace

NetworkJob::NetworkJob(QNetworkAccessManager *manager, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
{
}

NetworkJob::~NetworkJob()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void NetworkJob::start()
{
    if (m_started)
        return;
    m_started = true;
    m_reply = send();
    if (!m_reply) {
        if (m_error.ok())
            m_error = ClientError::make(ClientError::Code::RequestNotMade);
        qCWarning(lcHttp) << "request not made:" << m_error.codeName();
        // Keep "finished after start() returns" true for every outcome.
        QTimer::singleShot(0, this, &NetworkJob::finish);
        return;
    }
    connect(m_reply, &QNetworkReply::finished, this, &NetworkJob::onReplyFinished);
    connect(m_reply, &QNetworkReply::downloadProgress, this, &NetworkJob::onDownloadProgress);
}

void NetworkJob::onDownloadProgress(qint64 received, qint64 total)
{
    // `total` is the announced Content-Length (-1 when unknown): refused before the body comes.
    if (received > MaxBodyBytes || total > MaxBodyBytes)
        failTooLarge(m_reply);
}

void NetworkJob::failTooLarge(QNetworkReply *reply)
{
    m_error = ClientError::make(ClientError::Code::ResponseTooLarge, QStringLiteral("more than 1 MiB"));
    m_error.host = reply->url().host();
    noteAnswer(reply);
    logFailure(reply);
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
    finish();
}

void NetworkJob::abort()
{
    if (m_done)
        return;
    m_error = ClientError::make(ClientError::Code::Cancelled);
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    finish();
}

void NetworkJob::fail(const ClientError &error)
{
    m_error = error;
}

void NetworkJob::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError
            || reply->error() == QNetworkReply::TimeoutError;
        m_error = ClientError::make(timedOut ? ClientError::Code::Timeout : ClientError::Code::Network,
                                    reply->errorString());
    } else {
        noteAnswer(reply);
        const QByteArray body = reply->read(MaxBodyBytes + 1);
        if (body.size() > MaxBodyBytes) {
            failTooLarge(reply);
            return;
        }
        parse(status, body, reply);
    }
    if (!m_error.ok()) {
        m_error.host = reply->url().host();
        m_error.httpStatus = status;
        logFailure(reply);
    }
    finish();
}

void NetworkJob::noteAnswer(QNetworkReply *reply)
{
    m_receivedAt = QDateTime::currentDateTimeUtc();
    m_serverDate = httpDate(reply->rawHeader(QByteArrayLiteral("Date")));
}

void NetworkJob::logFailure(QNetworkReply *reply) const
{
    // Scheme, host, port and path only: a query or fragment may carry a code or token.
    const QString url = reply->url().adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo).toString();
    qCWarning(lcHttp).noquote() << methodName(reply->operation()) << url << "failed: HTTP" << m_error.httpStatus
                                << m_error.codeName() << m_error.serverError << m_error.detail;
}

void NetworkJob::finish()
{
    if (m_done)
        return;
    m_done = true;
    Q_EMIT finished();
}
