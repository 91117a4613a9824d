#include "NetworkJob.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUrl>

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
            m_error = JobError::make(JobError::Code::Unsupported, JobError::tr("The request could not be made."));
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
    m_error = JobError::make(JobError::Code::InvalidResponse,
                             JobError::tr("The server at %1 sent an answer larger than 1 MiB; Latchkey stopped "
                                          "reading it.")
                                 .arg(reply->url().host()));
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
    finish();
}

void NetworkJob::abort()
{
    if (m_done)
        return;
    m_error = JobError::make(JobError::Code::Cancelled, JobError::tr("Cancelled."));
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    finish();
}

void NetworkJob::fail(const JobError &error)
{
    m_error = error;
}

void NetworkJob::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString host = reply->url().host();
    if (status == 0) {
        const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError
            || reply->error() == QNetworkReply::TimeoutError;
        m_error = timedOut ? JobError::make(JobError::Code::Timeout,
                                            JobError::tr("The server at %1 did not answer in time.").arg(host))
                           : JobError::make(JobError::Code::Network,
                                            JobError::tr("The server at %1 cannot be reached (%2).")
                                                .arg(host, reply->errorString()));
    } else {
        const QByteArray body = reply->read(MaxBodyBytes + 1);
        if (body.size() > MaxBodyBytes) {
            failTooLarge(reply);
            return;
        }
        parse(status, body, reply);
    }
    finish();
}

void NetworkJob::finish()
{
    if (m_done)
        return;
    m_done = true;
    Q_EMIT finished();
}
