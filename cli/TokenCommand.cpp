#include "TokenCommand.h"

#include "ErrorMessages.h"
#include "SessionManager.h"
#include "Terminal.h"

void TokenCommand::start()
{
    whenRestored([this] {
        if (m_session->step() != SessionManager::Step::SignedIn) {
            notSignedIn();
            return;
        }
        const QString token = m_session->accessToken();
        if (token.isEmpty()) {
            // Signed in, but the renewal could not reach the server: no expired token for anyone.
            m_terminal->say(tr("The access token has run out and can't be renewed right now: %1")
                                .arg(ErrorMessages::sentence(m_session->renewalError())));
            finish(1);
            return;
        }
        m_terminal->print(token);
        finish(0);
    });
}
