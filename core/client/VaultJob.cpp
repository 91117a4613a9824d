#include "VaultJob.h"

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
        finish(Error::TimedOut, tr("The keychain did not answer in time."));
    });
}

void VaultJob::start()
{
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
    const QString detail = job->errorString();
    switch (job->error()) {
    case QKeychain::NoError:
        if (m_operation == Operation::Read
            && !StoredSession::fromJson(static_cast<QKeychain::ReadPasswordJob *>(job)->binaryData(), &m_session))
            finish(Error::Corrupt, tr("The keychain entry of this account cannot be read."));
        else
            finish(Error::None, {});
        return;
    case QKeychain::EntryNotFound:
        resolveNotFound();
        return;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        finish(Error::Denied, tr("Access to the keychain was refused."));
        return;
    default:
        break;
    }
    // QtKeychain reports most Secret Service failures as OtherError; its text tells them apart.
    if (detail.contains(QLatin1String("Object does not exist"), Qt::CaseInsensitive)
        || detail.contains(QLatin1String("locked"), Qt::CaseInsensitive))
        finish(Error::Locked, tr("The keychain is locked."));
    else
        finish(Error::Unavailable, tr("No keychain (Secret Service) is available on this computer."));
}

void VaultJob::resolveNotFound()
{
#ifdef Q_OS_LINUX
    QDBusMessage get = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.secrets"), QStringLiteral("/org/freedesktop/secrets/aliases/default"),
        QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    get << QStringLiteral("org.freedesktop.Secret.Collection") << QStringLiteral("Locked");
    auto *watcher = new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(get, ProbeTimeoutMs), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher] {
        watcher->deleteLater();
        const QDBusPendingReply<QDBusVariant> reply = *watcher;
        if (!reply.isError() && reply.value().variant().toBool())
            finish(Error::Locked, tr("The keychain is locked."));
        else
            finish(Error::NotFound, tr("No saved session."));
    });
#else
    finish(Error::NotFound, tr("No saved session."));
#endif
}

void VaultJob::finish(Error error, const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    if (m_job)
        m_job->disconnect(this);
    m_error = error;
    m_errorMessage = message;
    Q_EMIT finished();
}
