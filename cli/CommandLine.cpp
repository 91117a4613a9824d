#include "CommandLine.h"

#include "ClientOptions.h"
#include "Localization.h"
#include "LoginCommand.h"
#include "LogoutCommand.h"
#include "ProxyCredentials.h"
#include "SessionManager.h"
#include "ShutdownSignals.h"
#include "StatusCommand.h"
#include "Terminal.h"
#include "TokenCommand.h"
#include "TokenVault.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QSettings>

#include <cstring>
#include <memory>

namespace {
const char *const Subcommands[] = {"login", "status", "token", "logout"};

QString describe(const QString &name)
{
    if (name == QLatin1String("login"))
        return QCoreApplication::translate("main", "Sign in: in the browser, or with a code on another device.");
    if (name == QLatin1String("status"))
        return QCoreApplication::translate("main", "Who is signed in, and until when.");
    if (name == QLatin1String("token"))
        return QCoreApplication::translate("main", "Print a valid access token (renewed first when needed).");
    return QCoreApplication::translate("main", "Sign out and forget the session.");
}
} // namespace

bool CommandLine::isSubcommand(int argc, char *argv[])
{
    if (argc < 2)
        return false;
    for (const char *name : Subcommands) {
        if (std::strcmp(argv[1], name) == 0)
            return true;
    }
    return false;
}

int CommandLine::run(int argc, char *argv[], const char *version)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Latchkey"));
    QCoreApplication::setApplicationName(QStringLiteral("latchkey"));
    QCoreApplication::setApplicationVersion(QLatin1String(version));
    Localization::install(&app);
    // The commands say what happened in sentences; the log (a refused poll is a warning there) is for --verbose.
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(
            QStringLiteral("latchkey.*.debug=false\nlatchkey.*.info=false\nlatchkey.*.warning=false"));

    const QString name = QString::fromLocal8Bit(argv[1]);
    QCommandLineParser parser;
    parser.setApplicationDescription(describe(name));
    parser.addHelpOption();
    const ClientOptions options;
    parser.addOptions(options.all());
    const QCommandLineOption device(QStringLiteral("device"),
                                    QCoreApplication::translate("main", "Sign in with a code on another device."));
    const QCommandLineOption json(QStringLiteral("json"), QCoreApplication::translate("main", "Print JSON."));
    if (name == QLatin1String("login"))
        parser.addOption(device);
    if (name == QLatin1String("status"))
        parser.addOption(json);
    parser.addPositionalArgument(name, describe(name));
    parser.process(app);
    options.applyLogging(parser);
    if (!options.applyProxy(parser))
        return 2;

    QSettings settings;
    QNetworkAccessManager network;
    ProxyCredentials proxyCredentials(&network); // remembered proxy passwords; no one to ask here
    TokenVault vault(&settings);
    SessionManager session(options.config(parser, settings), &network, &vault);
    Terminal terminal;
    std::unique_ptr<Command> command;
    if (name == QLatin1String("login"))
        command = std::make_unique<LoginCommand>(&session, &vault, &terminal, &network, parser.isSet(device));
    else if (name == QLatin1String("status"))
        command = std::make_unique<StatusCommand>(&session, &vault, &terminal, parser.isSet(json));
    else if (name == QLatin1String("token"))
        command = std::make_unique<TokenCommand>(&session, &vault, &terminal);
    else
        command = std::make_unique<LogoutCommand>(&session, &vault, &terminal);

    int status = 1;
    QObject::connect(command.get(), &Command::finished, &app, [&status](int exitStatus) {
        status = exitStatus;
        QCoreApplication::quit();
    });
    ShutdownSignals interrupts; // Ctrl+C: the command says what was kept
    QObject::connect(&interrupts, &ShutdownSignals::requested, command.get(), &Command::interrupt);
    // From the event loop: a command may finish at once (not signed in), and quit() before exec() is lost.
    QMetaObject::invokeMethod(command.get(), &Command::start, Qt::QueuedConnection);
    QCoreApplication::exec();
    return status;
}
