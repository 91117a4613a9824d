#include "NetworkJob.h"

#include "ClientLogging.h"
#include "ProxyConfig.h"
#include "ProxyCredentials.h"

#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimeZone>
#include <QTimer>

#include <QUrl>
#include <optional>

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

QString names(const QStringList &parts)
{
    return parts.join(QLatin1String("; "));
}

// Names only, no key or serial: enough to see which CA a chain ends at.
QString describeCertificate(const QSslCertificate &certificate)
{
    return QStringLiteral("subject: %1; issuer: %2")
        .arg(certificate.subjectDisplayName(), certificate.issuerDisplayName());
}

bool isUntrusted(QSslError::SslError error)
{
    switch (error) {
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::CertificateUntrusted:
    case QSslError::CertificateRejected:
    case QSslError::InvalidCaCertificate:
        return true;
    default:
        return false;
    }
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
    connect(m_reply, &QNetworkReply::sslErrors, this, &NetworkJob::onSslErrors);
}

void NetworkJob::onSslErrors(const QList<QSslError> &errors)
{
    for (const QSslError &error : errors) {
        m_sslErrorCodes.append(int(error.error()));
        m_sslErrors.append(error.errorString());
    }
    m_certificateChain.clear();
    for (const QSslCertificate &certificate : m_reply->sslConfiguration().peerCertificateChain())
        m_certificateChain.append(describeCertificate(certificate));
}

// The first finding a person can act on wins: a CA to install before a
// name or a date to fix, as an untrusted chain says nothing of the others.
ClientError NetworkJob::certificateError() const
{
    ClientError::Code code = ClientError::Code::Network;
    for (const int raw : m_sslErrorCodes) {
        const auto error = QSslError::SslError(raw);
        if (isUntrusted(error)) {
            code = ClientError::Code::CertificateUntrusted;
            break;
        }
        if (error == QSslError::CertificateExpired || error == QSslError::CertificateNotYetValid)
            code = ClientError::Code::CertificateExpired;
        else if (error == QSslError::HostNameMismatch && code == ClientError::Code::Network)
            code = ClientError::Code::CertificateNameMismatch;
    }
    ClientError error = ClientError::make(code, names(m_sslErrors));
    error.certificateChain = m_certificateChain;
    error.sslErrors = m_sslErrors;
    return error;
}

ClientError NetworkJob::transportError(QNetworkReply *reply) const
{
    using Code = ClientError::Code;
    std::optional<Code> code;
    switch (reply->error()) {
    case QNetworkReply::SslHandshakeFailedError:
        return certificateError();
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
        code = Code::ProxyRefused;
        break;
    case QNetworkReply::ProxyAuthenticationRequiredError:
        code = Code::ProxyAuthenticationRequired;
        break;
    case QNetworkReply::AuthenticationRequiredError:
        if (reply->property(ProxyCredentials::RefusedProperty).isValid())
            code = Code::ProxyAuthenticationRequired;
        break;
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
        code = Code::ProxyUnreachable;
        break;
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError:
        return ClientError::make(Code::Timeout, reply->errorString());
    default:
        break;
    }
    const QString proxy = ProxyConfig::hostAndPort(ProxyConfig::proxyFor(m_manager, reply->url()));
    // Through an HTTP proxy the only connection Qt makes is to the proxy,
    // and Qt reports its failures as plain connection errors.
    if (!code && !proxy.isEmpty() && reply->error() == QNetworkReply::ConnectionRefusedError)
        code = Code::ProxyRefused;
    else if (!code && !proxy.isEmpty() && reply->error() == QNetworkReply::HostNotFoundError)
        code = Code::ProxyUnreachable;
    // Also a plain network error names the proxy it went through, for the report.
    ClientError error = ClientError::make(code.value_or(Code::Network), reply->errorString());
    error.proxy = proxy;
    return error;
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
    // A proxy's own 407 carries a status too: it is not the server's answer.
    const bool proxyFailed = (reply->error() >= QNetworkReply::ProxyConnectionRefusedError
                              && reply->error() <= QNetworkReply::UnknownProxyError)
        || reply->property(ProxyCredentials::RefusedProperty).isValid();
    const int status = proxyFailed ? 0 : reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        m_error = transportError(reply);
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
