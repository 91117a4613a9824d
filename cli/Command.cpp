#include "Command.h"

#include "ErrorMessages.h"
#include "SessionManager.h"
#include "Terminal.h"

#include <QUrl>

Command::Command(SessionManager *session, TokenVault *vault, Terminal *terminal, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_vault(vault)
    , m_terminal(terminal)
{
}

void Command::interrupt()
{
    m_terminal->say();
    m_terminal->say(tr("Cancelled."));
    finish(Cancelled);
}

void Command::finish(int exitStatus)
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished(exitStatus);
}

void Command::whenRestored(std::function<void()> then)
{
    auto *once = new QObject(this);
    auto check = [this, once, then](SessionManager::Step step) {
        using Step = SessionManager::Step;
        if (step == Step::Restoring || step == Step::Refreshing)
            return;
        delete once;
        then();
    };
    // Connected first: restore() may sign out before it returns.
    connect(m_session, &SessionManager::stepChanged, once, check);
    m_session->restore();
}

QString Command::providerOf(const AccountProfile &profile)
{
    return profile.provider.isEmpty() ? QUrl(profile.issuer).authority() : profile.provider;
}

void Command::notSignedIn()
{
    using Reason = SessionManager::SignOutReason;
    if (m_session->signOutReason() == Reason::KeychainUnavailable)
        m_terminal->say(ErrorMessages::restoreProblem(m_session->error()));
    else if (m_session->signOutReason() == Reason::SessionEnded)
        m_terminal->say(tr("Your session has ended. Sign in again with: latchkey login"));
    else
        m_terminal->say(tr("Not signed in. Sign in with: latchkey login"));
    finish(1);
}
