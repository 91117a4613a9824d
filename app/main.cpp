// latchkey: the desktop client. Command line and wiring only.

#include "AfterFirstFrame.h"
#include "BundledServer.h"
#include "ClientOptions.h"
#include "CommandLine.h"
#include "ErrorMessages.h"
#include "FirstFrameProbe.h"
#include "FontconfigWarmUp.h"
#include "LatchkeyStyle.h"
#include "Localization.h"
#include "MainWindow.h"
#include "ProxyCredentials.h"
#include "ProxyCredentialsDialog.h"
#include "SessionManager.h"
#include "Settings.h"
#include "ShutdownSignals.h"
#include "TokenVault.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QImageReader>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPixmap>
#include <QSettings>
#include <QStandardPaths>

#include <cstdio>

namespace {

// The window's own options; the ones every subcommand shares are ClientOptions.
struct Options
{
    QCommandLineOption signIn{QStringLiteral("sign-in"),
                              QCoreApplication::translate("main", "Start signing in right away.")};
    QCommandLineOption signOut{QStringLiteral("sign-out"),
                               QCoreApplication::translate("main", "Sign out of the remembered session.")};
    QCommandLineOption withServer{QStringLiteral("with-reference-server"),
                                  QCoreApplication::translate("main",
                                                              "Start a private reference server on a free "
                                                              "port and sign in against it (for QA and demos).")};
    ClientOptions client;
};

void describeApplication(QCoreApplication *app)
{
    QCoreApplication::setOrganizationName(QStringLiteral("Latchkey"));
    QCoreApplication::setApplicationName(QStringLiteral("latchkey"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LATCHKEY_VERSION));
    Localization::install(app);
}

// Parses the command line; --help and --version print and exit here.
void parse(QCommandLineParser &parser, const Options &options, const QCoreApplication &app)
{
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Sign in with OpenID Connect through your browser.") + QStringLiteral("\n\n")
        + QCoreApplication::translate("main",
                                      "Commands (no display needed; each takes --help and the server options):\n"
                                      "  login [--device]  sign in, in the browser or with a code on another device\n"
                                      "  status [--json]   who is signed in, and until when\n"
                                      "  token             print a valid access token\n"
                                      "  logout            sign out"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({options.signIn, options.signOut, options.withServer});
    parser.addOptions(options.client.all());
    parser.process(app);
}

// PNGs rendered from resources/icons/latchkey.svg (scripts/render-icons.sh):
// an SVG would need Qt SVG. Read as PNG by name: QIcon::addFile would ask
// every image plugin whether it reads PNG, loading each for good.
QIcon windowIcon()
{
    QIcon icon;
    for (const int size : {16, 24, 32, 48, 64, 128}) {
        QImageReader reader(QStringLiteral(":/icons/latchkey-%1.png").arg(size), "png");
        reader.setAutoDetectImageFormat(false);
        icon.addPixmap(QPixmap::fromImageReader(&reader));
    }
    return icon;
}

// --help and --version need no display: answer them before a GUI exists,
// so they work over SSH and in scripts.
bool onlyPrints(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-?" || arg == "-v" || arg == "--version")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    FirstFrameProbe::markMain(); // bench/startup-bench.py
    if (CommandLine::isSubcommand(argc, argv))
        return CommandLine::run(argc, argv, LATCHKEY_VERSION);
    if (onlyPrints(argc, argv)) {
        QCoreApplication app(argc, argv);
        describeApplication(&app);
        QCommandLineParser parser;
        parse(parser, Options(), app); // exits
        return 0;
    }
    // No Qt::AA_ShareOpenGLContexts: WebEngine (the terms) runs in the helper
    // process latchkey-terms, so this process never creates a GL context
    // (under X11 the attribute alone cost ~57 MB resident and ~70 ms).
    FontconfigWarmUp fonts; // on the second core while QApplication connects to the display
    QApplication app(argc, argv);
    FirstFrameProbe::installIfAsked(&app);     // bench/startup-bench.py
    QApplication::setStyle(new LatchkeyStyle); // before any widget: see LatchkeyStyle.h
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("latchkey.*.debug=false"));
    describeApplication(&app);
    QApplication::setApplicationDisplayName(QStringLiteral("Latchkey"));
    QApplication::setDesktopFileName(QStringLiteral("org.latchkey.Latchkey"));

    QCommandLineParser parser;
    const Options options; // after the translator: the help text is localized
    parse(parser, options, app);
    if (!options.client.applyProxy(parser))
        return 2;
    options.client.applyLogging(parser);

    ShutdownSignals shutdown; // SIGTERM from the session: quit cleanly, stop what we started
    QObject::connect(&shutdown, &ShutdownSignals::requested, &app, &QApplication::quit);

    QSettings settings;
    const ClientConfig config = options.client.config(parser, settings);

    QNetworkAccessManager network;
    ProxyCredentials proxyCredentials(&network);
    TokenVault vault(&settings);
    SessionManager session(config, &network, &vault);
    fonts.wait(); // before the first widget asks for a font
    MainWindow window(&session, &network, &settings);
    window.show();
    QObject::connect(&proxyCredentials, &ProxyCredentials::credentialsRequired, &window,
                     [&window](ProxyCredentialsPrompt *prompt) { ProxyCredentialsDialog::answer(prompt, &window); });
    AfterFirstFrame::run(&window, [] { QApplication::setWindowIcon(windowIcon()); });

    if (parser.isSet(options.withServer)) {
        BundledServer bundled;
        // Not saved in the settings: this server lives as long as this run.
        QObject::connect(&bundled, &BundledServer::ready, &session, [&session](const QString &url) {
            ClientConfig changed = session.config();
            changed.issuer = url;
            session.reconfigure(changed);
            session.signIn();
        });
        QObject::connect(&bundled, &BundledServer::failed, &window, [&window](const ClientError &error) {
            // The details may quote the system or the server: plain text, never markup.
            const QString details = ErrorMessages::details(error);
            QMessageBox box(QMessageBox::Critical, QApplication::translate("main", "Latchkey"),
                            details.isEmpty() ? ErrorMessages::sentence(error)
                                              : ErrorMessages::sentence(error) + QStringLiteral("\n\n") + details,
                            QMessageBox::Ok, &window);
            box.setTextFormat(Qt::PlainText);
            box.exec();
        });
        bundled.start();
        return QApplication::exec();
    }

    if (parser.isSet(options.signIn) || parser.isSet(options.signOut)) {
        // Act once the remembered session is known: restored, or not there.
        auto *once = new QObject(&app);
        QObject::connect(&session, &SessionManager::stateChanged, once,
                         [&, once, wantsIn = parser.isSet(options.signIn)](SessionManager::State s) {
                             if (s == SessionManager::State::Restoring)
                                 return;
                             delete once;
                             if (wantsIn && s == SessionManager::State::SignedOut)
                                 session.signIn();
                             else if (!wantsIn && s == SessionManager::State::SignedIn)
                                 session.signOut();
                         });
    }
    // The keychain (D-Bus), discovery and the first network request wait for
    // the first frame: the signed-out start was 1.8x a bare window otherwise.
    AfterFirstFrame::run(&window, [&session] { session.restore(); });
    return QApplication::exec();
}
