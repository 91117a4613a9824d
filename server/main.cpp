// latchkey-server: the reference OpenID Provider of PROTOCOL.md.

#include "ConnectorRegistry.h"
#include "OidcServer.h"
#include "ProvidersFile.h"
#include "ServerLimits.h"
#include "ShutdownSignals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// Each thread holds a database connection; PostgreSQL's default allows 100.
constexpr int MaxThreads = 64;

// One line per message, UTC timestamp first, written with a single write so
// lines from a busy server never interleave. Cheaper than a message pattern,
// which matters at thousands of requests per second.
void writeLogLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    static const char *const levels[] = {"debug", "warning", "error", "fatal", "info"};
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    tm utc{};
    gmtime_r(&now.tv_sec, &utc);
    const QByteArray text = message.toUtf8();
    char line[2048];
    const int size = std::snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s: %s\n",
                                   utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                                   now.tv_nsec / 1000000, levels[type], context.category, text.constData());
    // A longer message is cut, but its line still ends.
    const int length = std::min<int>(size, sizeof line - 1);
    line[length - 1] = '\n';
    [[maybe_unused]] auto written = ::write(STDERR_FILENO, line, size_t(length));
    if (type == QtFatalMsg)
        std::abort();
}

// host:port, the host an IPv4 or IPv6 address (in brackets or not).
bool parseHostPort(const QString &text, QHostAddress &address, int &port)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint number = text.mid(colon + 1).toUInt(&ok);
    if (!ok || number > 65535 || !address.setAddress(host))
        return false;
    port = int(number);
    return true;
}

bool parseListen(const QString &text, ServerConfig &config)
{
    int port = 0;
    if (!parseHostPort(text, config.listenAddress, port))
        return false;
    config.listenPort = quint16(port);
    return true;
}

bool applyLogLevel(const QString &level)
{
    static const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
                                    QStringLiteral("error")};
    const qsizetype index = levels.indexOf(level);
    if (index < 0)
        return false;
    QString rules;
    for (qsizetype i = 0; i < levels.size() - 1; ++i)
        rules += QStringLiteral("*.%1=%2\n")
                     .arg(levels.at(i), i >= index ? QStringLiteral("true") : QStringLiteral("false"));
    QLoggingCategory::setFilterRules(rules);
    return true;
}

bool confirmReset(const QString &dataDir, bool assumeYes)
{
    if (assumeYes)
        return true;
    QTextStream out(stdout);
    out << "Delete every account, session and signing key in " << dataDir << "? Type \"yes\" to confirm: ";
    out.flush();
    return QTextStream(stdin).readLine().trimmed() == QLatin1String("yes");
}

int fail(const QString &message)
{
    QTextStream(stderr) << "latchkey-server: " << message << '\n';
    return 1;
}

bool applyRateLimit(const QString &text, ServerConfig &config)
{
    const QStringList parts = text.split(u'=');
    bool ok = false;
    const int perMinute = parts.size() == 2 ? parts.at(1).toInt(&ok) : 0;
    if (!ok || perMinute < 1 || perMinute > 10000000)
        return false;
    const QHash<QString, int ServerConfig::*>
        fields{{QStringLiteral("authorize"), &ServerConfig::authorizePerAddressPerMinute},
               {QStringLiteral("token"), &ServerConfig::tokenPerAddressPerMinute},
               {QStringLiteral("username-check"), &ServerConfig::usernameChecksPerAddressPerMinute},
               {QStringLiteral("onboard"), &ServerConfig::onboardsPerAddressPerMinute},
               {QStringLiteral("callback"), &ServerConfig::callbacksPerAddressPerMinute}};
    const auto field = fields.value(parts.at(0));
    if (!field)
        return false;
    config.*field = perMinute;
    return true;
}

int printRedirectUris(ServerConfig config)
{
    if (config.providersFile.isEmpty())
        return fail(QStringLiteral("--print-redirect-uris needs --providers FILE"));
    const auto providers = ProvidersFile::load(config.providersFile, ProvidersFile::Secrets::Skipped,
                                               QProcessEnvironment::systemEnvironment(),
                                               ConnectorRegistry::standard(config.qaMode).types());
    if (!providers)
        return fail(providers.error().description);
    config.providers = *providers;
    QTextStream out(stdout);
    for (const QString &line : OidcServer::redirectUris(config))
        out << line << '\n';
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    // Before any file exists: the database, its WAL and the keys are the
    // server's alone, whatever the data directory's mode or the caller's umask.
    ::umask(077);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("latchkey-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LATCHKEY_VERSION));
    qInstallMessageHandler(writeLogLine);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The Latchkey reference OpenID Provider: brokers real OpenID Connect and OAuth 2.0 providers "
        "(--providers), onboards new users and stores everything in SQLite (the default, one instance) or "
        "PostgreSQL (--database postgresql://..., several instances). --qa adds simulated providers "
        "for testing on this machine."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption listen(QStringLiteral("listen"), QStringLiteral("Address and port to listen on."),
                                    QStringLiteral("host:port"), QStringLiteral("127.0.0.1:8765"));
    const QCommandLineOption issuer(QStringLiteral("issuer"),
                                    QStringLiteral("Issuer URL (default: http://<listen address>)."),
                                    QStringLiteral("url"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("Data directory (default: %1).").arg(OidcServer::defaultDataDir()),
                                     QStringLiteral("dir"));
    const QCommandLineOption keyFile(
        QStringLiteral("key-file"),
        QStringLiteral("The 32-byte key (mode 0600) that seals the signing keys in the database; every instance of "
                       "one database needs the same file (default: <data dir>/key-encryption.key, made at first "
                       "start)."),
        QStringLiteral("file"));
    const QCommandLineOption
        database(QStringLiteral("database"),
                 QStringLiteral("sqlite: (default: latchkey.sqlite in the data directory) or "
                                "postgresql://user@host:port/dbname; the password comes from PGPASSFILE, ~/.pgpass or "
                                "LATCHKEY_DATABASE_PASSWORD, never the command line."),
                 QStringLiteral("url"), QStringLiteral("sqlite:"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Create the accounts in a JSON seed file."),
                                  QStringLiteral("file"));
    const QCommandLineOption reset(QStringLiteral("reset"), QStringLiteral("Delete the data directory first (asks)."));
    const QCommandLineOption yes(QStringLiteral("yes"), QStringLiteral("Do not ask before --reset."));
    const QCommandLineOption rotate(QStringLiteral("rotate-keys"),
                                    QStringLiteral("Add a new signing key; it signs after %1 seconds.").arg(300));
    const QCommandLineOption algorithm(QStringLiteral("signing-alg"), QStringLiteral("ES256 (default) or RS256."),
                                       QStringLiteral("alg"), QStringLiteral("ES256"));
    const QCommandLineOption logLevel(QStringLiteral("log-level"), QStringLiteral("debug, info, warning or error."),
                                      QStringLiteral("level"), QStringLiteral("info"));
    const QCommandLineOption minimal(QStringLiteral("minimal-id-tokens"),
                                     QStringLiteral("QA: ID tokens without profile claims; clients read userinfo."));
    const QCommandLineOption providers(QStringLiteral("providers"),
                                       QStringLiteral(
                                           "The upstream providers to sign in with (JSON; see the man page)."),
                                       QStringLiteral("file"));
    const QCommandLineOption printRedirects(QStringLiteral("print-redirect-uris"),
                                            QStringLiteral(
                                                "Print the redirect URI to register at each provider, then exit."));
    const QCommandLineOption qa(QStringLiteral("qa"),
                                QStringLiteral("QA mode: simulated providers, test personas, QA accounts and faults. "
                                               "Anyone can sign in as anyone: loopback only, never on a network."));
    const QCommandLineOption rateLimit(
        QStringLiteral("rate-limit"),
        QStringLiteral(
            "Requests per minute from one address: authorize=N, token=N, username-check=N, onboard=N or callback=N "
            "(repeatable)."),
        QStringLiteral("name=N"));
    const QCommandLineOption limitOption(
        QStringLiteral("limit"),
        QStringLiteral("A request size, time or connection limit (repeatable), sizes in bytes and times in seconds; "
                       "name and default: %1.")
            .arg(ServerLimits::namesWithDefaults()),
        QStringLiteral("name=N"));
    const QCommandLineOption trustedProxy(
        QStringLiteral("trusted-proxy"),
        QStringLiteral("A reverse proxy's address or range (CIDR, repeatable) whose Forwarded or X-Forwarded-For "
                       "header names the client."),
        QStringLiteral("cidr"));
    const QCommandLineOption metricsListen(
        QStringLiteral("metrics-listen"),
        QStringLiteral("Serve GET /metrics (Prometheus) on this address and port, apart from --listen; a private "
                       "address (default: no metrics)."),
        QStringLiteral("host:port"));
    const QCommandLineOption threads(
        QStringLiteral("threads"),
        QStringLiteral("Worker threads, each with its own database connection (default: one per core, here %1).")
            .arg(std::max(1, QThread::idealThreadCount())),
        QStringLiteral("n"));
    parser.addOptions({listen, issuer,    dataDir,     database,     keyFile, seed,         reset,
                       yes,    rotate,    algorithm,   logLevel,     minimal, providers,    printRedirects,
                       qa,     rateLimit, limitOption, trustedProxy, threads, metricsListen});
    parser.process(app);

    ServerConfig config;
    if (!parseListen(parser.value(listen), config))
        return fail(QStringLiteral("--listen wants host:port, e.g. 127.0.0.1:8765"));
    if (parser.isSet(metricsListen)
        && !parseHostPort(parser.value(metricsListen), config.metricsAddress, config.metricsPort))
        return fail(QStringLiteral("--metrics-listen wants host:port, e.g. 127.0.0.1:9465"));
    if (!applyLogLevel(parser.value(logLevel)))
        return fail(QStringLiteral("--log-level must be debug, info, warning or error"));
    const QString alg = parser.value(algorithm).toUpper();
    if (alg != QLatin1String("ES256") && alg != QLatin1String("RS256"))
        return fail(QStringLiteral("--signing-alg must be ES256 or RS256"));
    config.signingAlgorithm = alg;
    config.minimalIdTokens = parser.isSet(minimal);
    config.issuer = parser.value(issuer);
    while (config.issuer.endsWith(u'/'))
        config.issuer.chop(1);
    config.dataDir = parser.isSet(dataDir) ? parser.value(dataDir) : OidcServer::defaultDataDir();
    config.database = parser.value(database);
    config.keyFile = parser.value(keyFile);
    for (const QString &limit : parser.values(rateLimit)) {
        if (!applyRateLimit(limit, config))
            return fail(
                QStringLiteral("--rate-limit wants authorize=N, token=N, username-check=N, onboard=N or callback=N "
                               "with N from 1 to 10000000"));
    }
    for (const QString &text : parser.values(limitOption)) {
        if (const auto applied = ServerLimits::apply(text, config); !applied)
            return fail(applied.error().description);
    }
    if (parser.isSet(threads)) {
        bool ok = false;
        config.threads = parser.value(threads).toInt(&ok);
        if (!ok || config.threads < 1 || config.threads > MaxThreads)
            return fail(QStringLiteral("--threads wants a number from 1 to %1").arg(MaxThreads));
    }
    config.qaMode = parser.isSet(qa);
    config.trustedProxies = parser.values(trustedProxy);
    config.providersFile = parser.value(providers);
    if (parser.isSet(printRedirects))
        return printRedirectUris(config);

    if (parser.isSet(reset)) {
        // Other instances may be serving that database: not this flag's to drop.
        if (config.database.startsWith(QLatin1String("postgres")))
            return fail(QStringLiteral("--reset deletes the data directory, not a PostgreSQL database; nothing was "
                                       "deleted (drop and create the database with dropdb and createdb instead)"));
        if (!confirmReset(config.dataDir, parser.isSet(yes)))
            return fail(QStringLiteral("reset cancelled; nothing was deleted"));
        if (!QDir(config.dataDir).removeRecursively())
            return fail(QStringLiteral("cannot delete %1").arg(config.dataDir));
    }
    if (!config.listenAddress.isLoopback())
        QTextStream(stderr) << "latchkey-server: warning: listening beyond loopback without TLS\n";

    ShutdownSignals shutdown;
    QObject::connect(&shutdown, &ShutdownSignals::requested, &app, [] {
        QTextStream(stderr) << "latchkey-server: shutting down\n";
        QCoreApplication::quit();
    });
    OidcServer server(config);
    if (const auto started = server.start(); !started)
        return fail(started.error().description);
    if (parser.isSet(rotate)) {
        if (const auto rotated = server.rotateKeys(); !rotated)
            return fail(rotated.error().description);
    }
    if (parser.isSet(seed)) {
        const auto report = server.importSeed(parser.value(seed));
        if (!report)
            return fail(report.error().description);
        QTextStream(stderr) << "latchkey-server: " << *report << '\n';
    }
    QTextStream out(stdout);
    out << "latchkey-server " << QCoreApplication::applicationVersion() << " ready\n"
        << "issuer: " << server.issuer() << '\n'
        << "data directory: " << server.config().dataDir << '\n'
        << "database: " << server.databaseUrl() << '\n';
    if (server.metricsPort() > 0) {
        const QHostAddress &address = config.metricsAddress;
        const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
        out << "metrics: http://" << (v6 ? "[" : "") << address.toString() << (v6 ? "]" : "") << ':'
            << server.metricsPort() << "/metrics\n";
    }
    out << Qt::flush;
    return QCoreApplication::exec();
}
