#include "LoginCommand.h"

#include "ErrorMessages.h"
#include "SessionManager.h"
#include "Terminal.h"
#include "TerminalOnboarding.h"
#include "TokenVault.h"

#include <QDateTime>
#include <QLocale>
#include <QProcess>

namespace {
// A browser this process can open: a display, and a command to open it with.
bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

bool keychainMissing(ClientError::Code code)
{
    return code == ClientError::Code::KeychainUnavailable || code == ClientError::Code::KeychainLocked
        || code == ClientError::Code::KeychainDenied || code == ClientError::Code::KeychainTimedOut;
}
} // namespace

LoginCommand::LoginCommand(SessionManager *session, TokenVault *vault, Terminal *terminal,
                           QNetworkAccessManager *manager, bool device, QObject *parent)
    : Command(session, vault, terminal, parent)
    , m_manager(manager)
    , m_device(device || !hasDisplay())
{
}

void LoginCommand::start()
{
    whenRestored([this] {
        if (m_session->step() == SessionManager::Step::SignedIn) {
            const AccountProfile &p = m_session->profile();
            m_terminal->say(tr("Already signed in as @%1 with %2. To sign in as someone else, run latchkey logout "
                               "first.")
                                .arg(p.username, providerOf(p)));
            finish(0);
            return;
        }
        checkKeychain();
    });
}

void LoginCommand::checkKeychain()
{
    // Before the person types a code: a session that could not be kept would be lost at once.
    AccountProfile probe;
    probe.issuer = m_session->config().issuer;
    probe.subject = QStringLiteral("keychain-probe");
    VaultJob *job = m_vault->load(probe);
    connect(job, &VaultJob::finished, this, [this, job] {
        if (!keychainMissing(job->error().code)) {
            signIn();
            return;
        }
        m_terminal->say(tr("No keychain answers in this session (%1). Latchkey keeps sessions only in a keychain, "
                           "never in a plain file, so nothing was signed in.")
                            .arg(ErrorMessages::sentence(job->error())));
        m_terminal->say(tr("Sign in from your desktop session, or start a keychain here first, for example:"));
        m_terminal->say(QStringLiteral("  dbus-run-session -- sh -c 'gnome-keyring-daemon --unlock --components=secrets "
                                       "</dev/tty && latchkey login'"));
        finish(1);
    });
}

void LoginCommand::signIn()
{
    m_started = true;
    connect(m_session, &SessionManager::stepChanged, this, &LoginCommand::onStep);
    connect(m_session, &SessionManager::authorizeWithBrowser, this, &LoginCommand::openBrowser);
    if (m_device)
        m_session->signInWithDevice();
    else
        m_session->signIn();
}

void LoginCommand::onStep()
{
    using Step = SessionManager::Step;
    switch (m_session->step()) {
    case Step::WaitingForDevice:
        showDeviceCode();
        return;
    case Step::Onboarding:
        if (!m_onboarding && m_session->onboarding()) {
            m_onboarding = new TerminalOnboarding(m_session->onboarding(), m_manager, m_terminal, this);
            connect(m_onboarding, &TerminalOnboarding::abandoned, this, [this] {
                disconnect(m_session, nullptr, this, nullptr); // what happened has been said
                m_session->cancel();
                finish(1);
            });
            m_onboarding->start();
        }
        return;
    case Step::SignedIn:
        onSignedIn();
        return;
    case Step::SignedOut:
        m_terminal->say(m_session->signOutReason() == SessionManager::SignOutReason::AccessDenied
                            ? tr("Signing in was cancelled; nothing was signed in.")
                            : tr("Nothing was signed in."));
        finish(1);
        return;
    case Step::Error:
        m_terminal->say(tr("Signing in didn't work: %1").arg(ErrorMessages::sentence(m_session->error())));
        finish(1);
        return;
    default:
        return;
    }
}

void LoginCommand::showDeviceCode()
{
    const DeviceAuthorization &d = m_session->deviceAuthorization();
    const QString until = QLocale().toString(QDateTime::currentDateTime().addSecs(d.expiresIn).time(),
                                             QLocale::ShortFormat);
    m_terminal->say(tr("To sign in, open %1 on any device and enter the code:").arg(d.verificationUri.toString()));
    m_terminal->say();
    m_terminal->say(QStringLiteral("    %1").arg(d.userCode));
    m_terminal->say();
    if (!d.verificationUriComplete.isEmpty())
        m_terminal->say(tr("Or open %1").arg(d.verificationUriComplete.toString(QUrl::FullyEncoded)));
    m_terminal->say(tr("Waiting for you to finish (the code works until %1; Ctrl+C to cancel)…").arg(until));
}

void LoginCommand::openBrowser(const QUrl &url)
{
    const QString link = url.toString(QUrl::FullyEncoded);
    QStringList command = QProcess::splitCommand(m_session->config().browserCommand);
    if (command.isEmpty())
        command = {QStringLiteral("xdg-open"), QStringLiteral("%u")};
    for (QString &part : command)
        part.replace(QLatin1String("%u"), link);
    const QString program = command.takeFirst();
    const bool opened = QProcess::startDetached(program, command);
    m_terminal->say(opened ? tr("Continue in your browser. If it did not open, open this link:")
                           : tr("No browser could be opened. Open this link in a browser on this computer:"));
    m_terminal->say(QStringLiteral("  %1").arg(link));
}

void LoginCommand::onSignedIn()
{
    const AccountProfile &p = m_session->profile();
    if (!m_session->vaultError().ok()) {
        m_terminal->say(ErrorMessages::saveProblem(m_session->vaultError()));
        finish(1);
        return;
    }
    m_terminal->say(tr("Signed in as %1 (@%2) with %3.").arg(p.name.isEmpty() ? p.username : p.name, p.username,
                                                               providerOf(p)));
    finish(0);
}

void LoginCommand::interrupt()
{
    if (m_started) {
        // Said here, once: the sign-out the cancel causes is not "Nothing was signed in." and status 1.
        disconnect(m_session, nullptr, this, nullptr);
        m_session->cancel(); // nothing half-made stays: no account, no session
    }
    m_terminal->say();
    m_terminal->say(tr("Cancelled. Nothing was signed in or created."));
    finish(Cancelled);
}
