// latchkey: the desktop client. Command line and wiring only.

#include "BundledServer.h"
#include "Localization.h"
#include "MainWindow.h"
#include "ShutdownSignals.h"
#include "SessionManager.h"
#include "TokenVault.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QStandardPaths>


int main(int argc, char *argv[])
{
    // The terms page may load WebEngine from a plugin later, and WebEngine loaded
    // late crashes unless GL contexts are shared from the start. Measured under
    // X11 (Xvfb): 36 MB resident at idle without this, 94 MB with it; a helper
    // process for the terms view would avoid that cost (not done yet).
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("latchkey.*.debug=false"));
    QApplication::setOrganizationName(QStringLiteral("Latchkey"));
    QApplication::setApplicationName(QStringLiteral("latchkey"));
    QApplication::setApplicationDisplayName(QStringLiteral("Latchkey"));
    QApplication::setApplicationVersion(QStringLiteral(LATCHKEY_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.latchkey.Latchkey"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/latchkey.svg")));
    Localization::install(&app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Sign in with OpenID Connect through your browser."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption issuer(QStringLiteral("issuer"), QApplication::translate("main", "Server (issuer) URL."),
                                    QStringLiteral("url"));
    const QCommandLineOption clientId(QStringLiteral("client-id"), QApplication::translate("main", "OAuth client id."),
                                      QStringLiteral("id"));
    const QCommandLineOption browser(QStringLiteral("browser-command"),
                                     QApplication::translate("main", "Browser to use instead of the system one; %u is "
                                                                     "the sign-in URL, e.g. \"firefox %u\"."),
                                     QStringLiteral("command"));
    const QCommandLineOption signIn(QStringLiteral("sign-in"), QApplication::translate("main", "Start signing in right away."));
    const QCommandLineOption signOut(QStringLiteral("sign-out"),
                                     QApplication::translate("main", "Sign out of the remembered session."));
    const QCommandLineOption withServer(QStringLiteral("with-reference-server"),
                                        QApplication::translate("main", "Start a private reference server on a free "
                                                                        "port and sign in against it (for QA and demos)."));
    parser.addOptions({issuer, clientId, browser, signIn, signOut, withServer});
    parser.process(app);

    ShutdownSignals shutdown; // SIGTERM from the session: quit cleanly, stop what we started
    QObject::connect(&shutdown, &ShutdownSignals::requested, &app, &QApplication::quit);

    QSettings settings;
    ClientConfig config;
    config.issuer = parser.isSet(issuer) ? parser.value(issuer)
                                         : settings.value(QStringLiteral("server/issuer"), config.issuer).toString();
    while (config.issuer.endsWith(QLatin1Char('/')))
        config.issuer.chop(1);
    config.clientId = parser.isSet(clientId)
        ? parser.value(clientId)
        : settings.value(QStringLiteral("server/clientId"), config.clientId).toString();
    config.browserCommand = parser.isSet(browser) ? parser.value(browser)
                                                  : settings.value(QStringLiteral("browser/command")).toString();
    const QString state = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    QDir().mkpath(state);
    config.refreshLockPath = state + QStringLiteral("/refresh.lock");

    QNetworkAccessManager network;
    TokenVault vault(&settings);
    SessionManager session(config, &network, &vault);
    MainWindow window(&session, &network, &settings);
    window.show();

    BundledServer bundled;
    if (parser.isSet(withServer)) {
        // Not saved in the settings: this server lives as long as this run.
        QObject::connect(&bundled, &BundledServer::ready, &session, [&session](const QString &url) {
            ClientConfig changed = session.config();
            changed.issuer = url;
            session.reconfigure(changed);
            session.signIn();
        });
        QObject::connect(&bundled, &BundledServer::failed, &window, [&window](const QString &message) {
            QMessageBox::critical(&window, QApplication::translate("main", "Latchkey"), message);
        });
        bundled.start();
        return QApplication::exec();
    }

    if (parser.isSet(signIn) || parser.isSet(signOut)) {
        // Act once the remembered session is known: restored, or not there.
        auto *once = new QObject(&app);
        QObject::connect(&session, &SessionManager::stateChanged, once,
                         [&, once, wantsIn = parser.isSet(signIn)](SessionManager::State s) {
                             if (s == SessionManager::State::Restoring)
                                 return;
                             delete once;
                             if (wantsIn && s == SessionManager::State::SignedOut)
                                 session.signIn();
                             else if (!wantsIn && s == SessionManager::State::SignedIn)
                                 session.signOut();
                         });
    }
    session.restore();
    return QApplication::exec();
}
