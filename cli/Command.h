#pragma once

#include "StoredSession.h"

#include <QObject>

#include <functional>

class SessionManager;
class Terminal;
class TokenVault;

// One subcommand, in the manner of a KJob: start() once, finished(exit
// status) once. It works through the same SessionManager, keychain and
// refresh lock as the windows, so the app and the command line share one
// session. Exit status 0: done; 1: not done, a sentence on stderr says why;
// 130: cancelled with Ctrl+C.
class Command : public QObject
{
    Q_OBJECT
public:
    static constexpr int Cancelled = 130;

    Command(SessionManager *session, TokenVault *vault, Terminal *terminal, QObject *parent = nullptr);

    virtual void start() = 0;
    // Ctrl+C: stop what runs, say what was kept, finish with Cancelled.
    virtual void interrupt();

Q_SIGNALS:
    void finished(int exitStatus);

protected:
    void finish(int exitStatus);
    // Restores the remembered session (renewing it first when it is due),
    // then calls `then` once: signed in, signed out, or the keychain closed.
    void whenRestored(std::function<void()> then);
    // For a session that is not there: the sentence and exit status 1.
    void notSignedIn();
    // The provider's name, or the server's address at a standard provider (which names none).
    static QString providerOf(const AccountProfile &profile);

    SessionManager *m_session;
    TokenVault *m_vault;
    Terminal *m_terminal;

private:
    bool m_finished = false;
};
