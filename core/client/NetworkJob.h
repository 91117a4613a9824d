#pragma once

#include "ClientError.h"

#include <QDateTime>

#include <QObject>
#include <QPointer>

class QNetworkAccessManager;
class QNetworkReply;
class QSslError;

// One network call. Owns its reply, emits finished() exactly once — after
// success, failure, timeout or abort() — and holds the outcome as a value.
// Subclasses build the request in send() and read the answer in parse().
class NetworkJob : public QObject
{
    Q_OBJECT
public:
    ~NetworkJob() override;

    // No answer the protocol expects comes near this; a larger one is cut
    // off while it arrives, so a hostile server cannot fill the memory.
    static constexpr qint64 MaxBodyBytes = 1024 * 1024;

    void start();
    // Ends the job now; finished() follows with ClientError::Code::Cancelled.
    void abort();
    bool isRunning() const { return m_started && !m_done; }
    const ClientError &error() const { return m_error; }
    // The server's Date header and when it arrived here (both invalid when
    // no answer came): the clock offset of the diagnostics report.
    QDateTime serverDate() const { return m_serverDate; }
    QDateTime receivedAt() const { return m_receivedAt; }

Q_SIGNALS:
    void finished();

protected:
    NetworkJob(QNetworkAccessManager *manager, QObject *parent);

    virtual QNetworkReply *send() = 0;
    // Called for every HTTP answer; sets results or calls fail().
    virtual void parse(int status, const QByteArray &body, QNetworkReply *reply) = 0;

    void fail(const ClientError &error);
    QNetworkAccessManager *manager() const { return m_manager; }

private:
    void onReplyFinished();
    void onDownloadProgress(qint64 received, qint64 total);
    // Noted, never ignored: the handshake fails, and the findings say why.
    void onSslErrors(const QList<QSslError> &errors);
    // A failure before any HTTP answer, from QNetworkReply's error.
    ClientError transportError(QNetworkReply *reply) const;
    ClientError certificateError() const;
    void failTooLarge(QNetworkReply *reply);
    void finish();
    void noteAnswer(QNetworkReply *reply);
    void logFailure(QNetworkReply *reply) const;

    QNetworkAccessManager *m_manager;
    QPointer<QNetworkReply> m_reply;
    ClientError m_error;
    QStringList m_sslErrors;
    QList<int> m_sslErrorCodes;
    QStringList m_certificateChain;
    QDateTime m_serverDate;
    QDateTime m_receivedAt;
    bool m_started = false;
    bool m_done = false;
};
