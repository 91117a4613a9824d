#include "LogoutCommand.h"

#include "SessionManager.h"
#include "Terminal.h"

void LogoutCommand::start()
{
    whenRestored([this] {
        // A closed keychain still has a session to forget here and to revoke.
        const bool session = m_session->step() == SessionManager::Step::SignedIn
            || m_session->step() == SessionManager::Step::KeychainRetry;
        if (!session) {
            m_terminal->say(tr("Not signed in."));
            finish(0);
            return;
        }
        const QString username = m_session->profile().username;
        connect(m_session, &SessionManager::signOutFinished, this, [this, username] {
            m_terminal->say(tr("Signed out of @%1.").arg(username));
            finish(0);
        });
        m_session->signOut();
    });
}
