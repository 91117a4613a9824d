// For bench/startup-bench.py: signs in once against a running latchkey-server
// (QA mode, the "returning" persona, a robot in place of the browser) and
// stores the session where the app looks for it (its settings and the
// keychain of this D-Bus session), so that the next `latchkey --issuer URL`
// starts signed in.
//
//   latchkey-bench-prepare-session URL

#include "BrowserRobot.h"
#include "SessionManager.h"
#include "TokenVault.h"

#include <QDir>
#include <QGuiApplication>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>

#include <cstdio>

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    // The app's names: its settings file and keychain entries.
    QCoreApplication::setOrganizationName(QStringLiteral("Latchkey"));
    QCoreApplication::setApplicationName(QStringLiteral("latchkey"));
    if (app.arguments().size() != 2) {
        std::fprintf(stderr, "usage: latchkey-bench-prepare-session ISSUER\n");
        return 1;
    }
    ClientConfig config;
    config.issuer = app.arguments().at(1);
    const QString state = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    QDir().mkpath(state);
    config.refreshLockPath = state + QStringLiteral("/refresh.lock");
    QSettings settings;
    TokenVault vault(&settings);
    QNetworkAccessManager network;
    BrowserRobot browser;
    browser.usePersona(QStringLiteral("github"), QStringLiteral("returning"));
    SessionManager manager(config, &network, &vault);
    QObject::connect(&manager, &SessionManager::authorizeWithBrowser, &browser, &BrowserRobot::openUrl);
    QSignalSpy state_(&manager, &SessionManager::stateChanged);
    manager.signIn();
    while (manager.state() != SessionManager::State::SignedIn) {
        if (!state_.wait(15000) || manager.state() == SessionManager::State::Error) {
            std::fprintf(stderr, "sign-in failed: %s\n", qPrintable(manager.error().codeName()));
            return 2;
        }
    }
    settings.sync();
    return 0;
}
