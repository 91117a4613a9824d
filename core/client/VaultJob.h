#pragma once

#include "StoredSession.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace QKeychain {
class Job;
}

// One keychain operation (read, write or delete) with a deadline of its own:
// a Secret Service that hangs must not hang sign-in. Emits finished() once.
class VaultJob : public QObject
{
    Q_OBJECT
public:
    enum class Error {
        None,
        NotFound,    // nothing stored for this account
        Unavailable, // no secret service on this computer
        Locked,      // the keyring is locked (or has no default collection yet)
        Denied,      // the person or the system refused access
        TimedOut,
        Corrupt,     // an entry we cannot read back
    };
    Q_ENUM(Error)

    static constexpr int TimeoutMs = 10000;

    enum class Operation { Read, Write, Delete };
    VaultJob(Operation operation, const QString &service, const QString &key, const StoredSession &session = {},
             QObject *parent = nullptr);

    void start();
    Error error() const { return m_error; }
    QString errorMessage() const { return m_errorMessage; }
    const StoredSession &session() const { return m_session; }

Q_SIGNALS:
    void finished();

private:
    void onKeychainFinished(QKeychain::Job *job);
    // QtKeychain reports an entry in a locked keyring as "not found"; the
    // Secret Service itself can tell the two apart.
    void resolveNotFound();
    void finish(Error error, const QString &message);

    Operation m_operation;
    QString m_service;
    QString m_key;
    StoredSession m_session;
    QPointer<QKeychain::Job> m_job;
    QTimer m_deadline;
    Error m_error = Error::None;
    QString m_errorMessage;
    bool m_done = false;
};
