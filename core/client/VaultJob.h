#pragma once

#include "ClientError.h"
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
    static constexpr int TimeoutMs = 10000;

    enum class Operation { Read, Write, Delete };
    VaultJob(Operation operation, const QString &service, const QString &key, const StoredSession &session = {},
             QObject *parent = nullptr);

    // A job that answers `code` (and, read, `session`) without a keychain:
    // what an in-memory SessionVault hands out.
    static VaultJob *answered(Operation operation, ClientError::Code code, const StoredSession &session,
                              QObject *parent = nullptr);

    void start();
    // A keychain code (KeychainNotFound: nothing stored for this account;
    // KeychainLocked also when the keyring has no default collection yet),
    // with QtKeychain's own code and text as the detail.
    const ClientError &error() const { return m_error; }
    const StoredSession &session() const { return m_session; }

Q_SIGNALS:
    void finished();

private:
    void onKeychainFinished(QKeychain::Job *job);
    // QtKeychain reports an entry in a locked keyring as "not found"; the
    // Secret Service itself can tell the two apart.
    void resolveNotFound();
    QLatin1String operationName() const;
    void finish(ClientError::Code code, const QString &detail = {});

    Operation m_operation;
    QString m_service;
    QString m_key;
    StoredSession m_session;
    QPointer<QKeychain::Job> m_job;
    QTimer m_deadline;
    ClientError m_error;
    bool m_done = false;
    bool m_answered = false;
    ClientError::Code m_answer = ClientError::Code::None;
};
