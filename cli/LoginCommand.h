#pragma once

#include "Command.h"

#include <QPointer>

class QNetworkAccessManager;
class TerminalOnboarding;

// `latchkey login [--device]`: the browser flow where a display and a
// browser are, else (or asked with --device) the device authorization
// grant: a code to type on any device. A new person registers in the
// terminal (TerminalOnboarding). The session goes to the keychain; where
// no keychain answers, nothing is signed in and the person is told how to
// get one: never a plain file.
class LoginCommand : public Command
{
    Q_OBJECT
public:
    LoginCommand(SessionManager *session, TokenVault *vault, Terminal *terminal, QNetworkAccessManager *manager,
                 bool device, QObject *parent = nullptr);
    void start() override;
    void interrupt() override;

private:
    void checkKeychain();
    void signIn();
    void onStep();
    void showDeviceCode();
    void openBrowser(const QUrl &url);
    void onSignedIn();

    QNetworkAccessManager *m_manager;
    bool m_device;
    bool m_started = false;
    QPointer<TerminalOnboarding> m_onboarding;
};
