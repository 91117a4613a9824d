#include "VaultJob.h"

#include "ClientLogging.h"

#include <qt6keychain/keychain.h>

#ifdef Q_OS_LINUX
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#endif

namespace {
constexpr int ProbeTimeoutMs = 3000;
}

VaultJob::VaultJob(Operation operation, const QString &service, const QString &key, const StoredSession &session,
                   QObject *parent)
    : QObject(parent)
    , m_operation(operation)
    , m_service(service)
    , m_key(key)
    , m_session(session)
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        qCWarning(lcVault) << "keychain" << operationName() << "failed: no answer in" << TimeoutMs << "ms";
        finish(ClientError::Code::KeychainTimedOut, QStringLiteral("no answer in %1 ms").arg(TimeoutMs));
    });
}

VaultJob *VaultJob::answered(Operation operation, ClientError::Code code, const StoredSession &session, QObject *parent)
{
    auto *job = new VaultJob(operation, {}, {}, session, parent);
    job->m_answered = true;
    job->m_answer = code;
    return job;
}

void VaultJob::start()
{
    if (m_answered) {
        // Later, as a keychain answers: finished() never comes before start() returns.
        QTimer::singleShot(0, this, [this] { finish(m_answer); });
        return;
    }
    QKeychain::Job *job = nullptr;
    switch (m_operation) {
    case Operation::Read:
        job = new QKeychain::ReadPasswordJob(m_service);
        break;
    case Operation::Write: {
        auto *write = new QKeychain::WritePasswordJob(m_service);
        write->setBinaryData(m_session.toJson());
        job = write;
        break;
    }
    case Operation::Delete:
        job = new QKeychain::DeletePasswordJob(m_service);
        break;
    }
    job->setInsecureFallback(false); // never plaintext, whatever the platform
    // No parent, and it deletes itself when done: the libsecret backend
    // crashes if a job is deleted while its D-Bus call is still pending,
    // so a keychain job must outlive us when we time out or go away.
    job->setAutoDelete(true);
    job->setKey(m_key);
    m_job = job;
    connect(job, &QKeychain::Job::finished, this, &VaultJob::onKeychainFinished);
    m_deadline.start(TimeoutMs);
    job->start();
}

void VaultJob::onKeychainFinished(QKeychain::Job *job)
{
    // QtKeychain's code and text, never the secret: for the Details line and the log.
    const QString detail = QStringLiteral("QtKeychain error %1: %2").arg(int(job->error())).arg(job->errorString());
    if (job->error() != QKeychain::NoError && job->error() != QKeychain::EntryNotFound)
        qCWarning(lcVault).noquote() << "keychain" << operationName() << "failed:" << detail;
    switch (job->error()) {
    case QKeychain::NoError:
        if (m_operation == Operation::Read
            && !StoredSession::fromJson(static_cast<QKeychain::ReadPasswordJob *>(job)->binaryData(), &m_session))
            finish(ClientError::Code::KeychainCorrupt, QStringLiteral("the entry is not a Latchkey session"));
        else
            finish(ClientError::Code::None);
        return;
    case QKeychain::EntryNotFound:
        resolveNotFound();
        return;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        finish(ClientError::Code::KeychainDenied, detail);
        return;
    default:
        break;
    }
    // QtKeychain reports most Secret Service failures as OtherError; its text tells them apart.
    const QString text = job->errorString();
    if (text.contains(QLatin1String("Object does not exist"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("locked"), Qt::CaseInsensitive))
        finish(ClientError::Code::KeychainLocked, detail);
    else
        finish(ClientError::Code::KeychainUnavailable, detail);
}

void VaultJob::resolveNotFound()
{
#ifdef Q_OS_LINUX
    QDBusMessage get = QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.secrets"),
                                                      QStringLiteral("/org/freedesktop/secrets/aliases/default"),
                                                      QStringLiteral("org.freedesktop.DBus.Properties"),
                                                      QStringLiteral("Get"));
    get << QStringLiteral("org.freedesktop.Secret.Collection") << QStringLiteral("Locked");
    auto *watcher = new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(get, ProbeTimeoutMs), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher] {
        watcher->deleteLater();
        const QDBusPendingReply<QDBusVariant> reply = *watcher;
        if (!reply.isError() && reply.value().variant().toBool()) {
            qCWarning(lcVault) << "keychain" << operationName() << "failed: the default collection is locked";
            finish(ClientError::Code::KeychainLocked, QStringLiteral("the default collection is locked"));
        } else {
            finish(ClientError::Code::KeychainNotFound);
        }
    });
#else
    finish(ClientError::Code::KeychainNotFound);
#endif
}

QLatin1String VaultJob::operationName() const
{
    switch (m_operation) {
    case Operation::Read:
        return QLatin1String("read");
    case Operation::Write:
        return QLatin1String("write");
    case Operation::Delete:
        return QLatin1String("delete");
    }
    return QLatin1String("?");
}

void VaultJob::finish(ClientError::Code code, const QString &detail)
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    if (m_job)
        m_job->disconnect(this);
    m_error = ClientError::make(code, detail);
    qCDebug(lcVault).noquote() << "keychain" << operationName() << "finished:" << m_error.codeName();
    Q_EMIT finished();
}
