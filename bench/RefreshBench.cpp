// Drives latchkey-server's token endpoint with refresh grants on N keep-alive
// connections, each chaining its own rotating refresh token as a real client
// does, then userinfo; prints throughput, latency percentiles and where the
// CPU went, for three set-ups in one run: SQLite with one instance,
// PostgreSQL with one instance, and PostgreSQL with two instances, the
// connections dealt round-robin between them as a load balancer with
// keep-alive does. Each set-up runs twice: with --threads 1, the baseline,
// then with the default (a worker thread per core), and says how many times
// the baseline's rate the default reached. PostgreSQL comes from the
// environment (PGHOST, ...; run it in pg_virtualenv, as scripts/bench.sh
// does); without it those rows say so.
//
//   latchkey-bench-token [--connections 32] [--seconds 10] [--server PATH] [--only sqlite|postgresql]

#include "BundledServer.h"
#include "KeepAliveClient.h"
#include "SignInRobot.h"
#include "TestDatabase.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace {

struct Session
{
    QUrl base; // the instance this session's connection talks to
    QByteArray refreshToken;
    QByteArray accessToken;
};

struct Phase
{
    std::vector<qint64> latencies;
    int errors = 0;
    qint64 elapsedNs = 0;
    // CPU seconds spent during the phase.
    double serverCpu = 0;
    double databaseCpu = 0;
    double benchCpu = 0;
};

// Where the CPU goes: the servers (this program's children), the PostgreSQL
// backends serving the benchmark's database, and the benchmark itself.
struct CpuSample
{
    double servers = 0;
    double database = 0;
    double bench = 0;
};

double processCpuSeconds(const QString &pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray line = stat.readAll();
    // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    return double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

CpuSample sampleCpu(const QString &databaseName)
{
    CpuSample sample;
    const QString self = QString::number(QCoreApplication::applicationPid());
    for (const QString &pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!pid.front().isDigit() || !cmdline.open(QIODevice::ReadOnly) || !stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray command = cmdline.readAll();
        const QByteArray statLine = stat.readAll();
        const QList<QByteArray> fields = statLine.mid(statLine.lastIndexOf(')') + 2).split(' ');
        const bool child = fields.size() > 1 && fields.at(1) == self.toLatin1();
        if (child && command.contains("latchkey-server"))
            sample.servers += processCpuSeconds(pid);
        else if (!databaseName.isEmpty() && command.startsWith("postgres: ")
                 && command.contains(databaseName.toLatin1()))
            sample.database += processCpuSeconds(pid);
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    sample.bench = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    return sample;
}

QList<Session> signIn(const QStringList &issuers, int count)
{
    QList<Session> sessions;
    for (int i = 0; i < count; ++i) {
        const QString &issuer = issuers.at(i % issuers.size());
        HttpRobot http;
        SignInRobot robot(issuer, http);
        const AuthorizationRequest request = robot.newRequest();
        const QUrlQuery callback = robot.signInWithPersona(request, QStringLiteral("google"),
                                                           QStringLiteral("returning"));
        const QJsonObject tokens = robot.exchangeCode(request, callback.queryItemValue(QStringLiteral("code"))).json();
        sessions.append({QUrl(issuer), tokens.value(QLatin1String("refresh_token")).toString().toLatin1(),
                         tokens.value(QLatin1String("access_token")).toString().toLatin1()});
    }
    return sessions;
}

// Runs one phase: every connection loops until `seconds` have passed.
Phase run(QList<Session> &sessions, int seconds, bool refresh, const QString &databaseName)
{
    Phase phase;
    const CpuSample before = sampleCpu(databaseName);
    QElapsedTimer clock;
    clock.start();
    const qint64 deadline = qint64(seconds) * 1000000000;
    int running = int(sessions.size());
    QEventLoop loop;
    std::vector<std::unique_ptr<KeepAliveClient>> clients;
    for (Session &session : sessions) {
        const QByteArray hostHeader = session.base.authority().toLatin1();
        auto next = [&session, refresh, hostHeader]() -> QByteArray {
            if (!refresh)
                return "GET /userinfo HTTP/1.1\r\nHost: " + hostHeader + "\r\nAuthorization: Bearer "
                    + session.accessToken + "\r\n\r\n";
            const QByteArray body = "grant_type=refresh_token&client_id=latchkey-desktop&refresh_token="
                + session.refreshToken;
            return "POST /token HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        };
        auto onResponse = [&, refresh, sessionPtr = &session](int status, const QByteArray &body, qint64 ns) {
            phase.latencies.push_back(ns);
            if (status != 200) {
                ++phase.errors;
                return false; // a broken chain cannot go on
            }
            if (refresh) {
                const QJsonObject json = QJsonDocument::fromJson(body).object();
                sessionPtr->refreshToken = json.value(QLatin1String("refresh_token")).toString().toLatin1();
                sessionPtr->accessToken = json.value(QLatin1String("access_token")).toString().toLatin1();
            }
            return clock.nsecsElapsed() < deadline;
        };
        clients.push_back(
            std::make_unique<KeepAliveClient>(session.base.host(), quint16(session.base.port()), next, onResponse));
        QObject::connect(clients.back().get(), &KeepAliveClient::stopped, &loop, [&] {
            if (--running == 0)
                loop.quit();
        });
    }
    loop.exec();
    phase.elapsedNs = clock.nsecsElapsed();
    const CpuSample after = sampleCpu(databaseName);
    phase.serverCpu = after.servers - before.servers;
    phase.databaseCpu = after.database - before.database;
    phase.benchCpu = after.bench - before.bench;
    return phase;
}

void report(const QString &setup, const char *name, Phase &phase)
{
    std::sort(phase.latencies.begin(), phase.latencies.end());
    auto percentile = [&phase](double p) {
        if (phase.latencies.empty())
            return 0.0;
        const size_t index = std::min(phase.latencies.size() - 1, size_t(p * double(phase.latencies.size())));
        return double(phase.latencies[index]) / 1e6;
    };
    const double seconds = double(phase.elapsedNs) / 1e9;
    // CPU in cores busy on average: 1.00 is one core all the time.
    std::printf("%-34s %-9s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  errors %d  "
                "cores: server %.2f  postgres %.2f  bench %.2f\n",
                qPrintable(setup), name, double(phase.latencies.size()) / seconds, percentile(0.50), percentile(0.99),
                percentile(1.0), phase.errors, phase.serverCpu / seconds, phase.databaseCpu / seconds,
                phase.benchCpu / seconds);
    std::fflush(stdout);
}

struct Setup
{
    QString name;
    QString backend;
    int instances;
    int threads; // 0: the server's default
};

// Requests per second of each phase; zero when the set-up did not run.
struct Rates
{
    double refresh = 0;
    double userinfo = 0;
};

double rateOf(const Phase &phase)
{
    return phase.elapsedNs > 0 ? double(phase.latencies.size()) / (double(phase.elapsedNs) / 1e9) : 0;
}

struct Options
{
    QString serverBinary;
    QString logLevel;
    int connections = 32;
    int seconds = 10;
};

// Starts the set-up's instances on one database, signs the sessions in, runs
// both phases; false when something failed.
bool measure(const Setup &setup, const Options &options, Rates *rates)
{
    TestDatabase database(setup.backend);
    if (!database.error().isEmpty()) {
        std::printf("%-34s skipped: %s\n", qPrintable(setup.name), qPrintable(database.error()));
        return true;
    }
    QTemporaryDir dir;
    // Every instance of one database needs the same key file: 32 random bytes, mode 0600.
    const QString keyFile = dir.filePath(QStringLiteral("key-encryption.key"));
    QFile key(keyFile);
    if (!key.open(QIODevice::WriteOnly) || !key.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        std::printf("%-34s cannot write %s\n", qPrintable(setup.name), qPrintable(keyFile));
        return false;
    }
    QFile random(QStringLiteral("/dev/urandom"));
    random.open(QIODevice::ReadOnly);
    key.write(random.read(32));
    key.close();
    // The benchmark measures the server, not its per-address limit: all its
    // connections come from one address, far beyond what one client sends.
    QStringList arguments{QStringLiteral("--log-level"),  options.logLevel,
                          QStringLiteral("--rate-limit"), QStringLiteral("token=10000000"),
                          QStringLiteral("--rate-limit"), QStringLiteral("authorize=10000000"),
                          QStringLiteral("--rate-limit"), QStringLiteral("callback=10000000"),
                          QStringLiteral("--key-file"),   keyFile};
    if (!database.url().isEmpty())
        arguments << QStringLiteral("--database") << database.url();
    if (setup.threads > 0)
        arguments << QStringLiteral("--threads") << QString::number(setup.threads);
    std::vector<std::unique_ptr<BundledServer>> servers;
    QStringList issuers;
    for (int i = 0; i < setup.instances; ++i) {
        servers.push_back(std::make_unique<BundledServer>());
        BundledServer &server = *servers.back();
        server.setLogFile(dir.filePath(QStringLiteral("server-%1.log").arg(i)));
        QSignalSpy ready(&server, &BundledServer::ready);
        server.start(options.serverBinary, arguments);
        if (!ready.wait(BundledServer::StartTimeoutMs)) {
            std::printf("%-34s the server did not start: %s\n", qPrintable(setup.name),
                        qPrintable(server.error().codeName() + QLatin1Char(' ') + server.error().detail));
            return false;
        }
        issuers.append(server.issuer());
    }
    QList<Session> sessions = signIn(issuers, options.connections);
    const QString databaseName = database.url().isEmpty() ? QString() : QUrl(database.url()).path().mid(1);
    Phase refresh = run(sessions, options.seconds, true, databaseName);
    report(setup.name, "refresh", refresh);
    Phase userinfo = run(sessions, options.seconds, false, databaseName);
    report(setup.name, "userinfo", userinfo);
    *rates = {rateOf(refresh), rateOf(userinfo)};
    return refresh.errors + userinfo.errors == 0;
}

void compare(const Rates &baseline, const Rates &rates)
{
    if (baseline.refresh <= 0 || rates.refresh <= 0)
        return;
    std::printf("%-34s refresh %.2fx, userinfo %.2fx the --threads 1 rows\n", "", rates.refresh / baseline.refresh,
                rates.userinfo / baseline.userinfo);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Refresh-grant and userinfo benchmark for latchkey-server"));
    parser.addHelpOption();
    const QCommandLineOption connections(QStringLiteral("connections"), QStringLiteral("Keep-alive connections."),
                                         QStringLiteral("n"), QStringLiteral("32"));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Duration of each phase."),
                                     QStringLiteral("s"), QStringLiteral("10"));
    const QCommandLineOption serverBinary(QStringLiteral("server"), QStringLiteral("latchkey-server to start."),
                                          QStringLiteral("path"), QStringLiteral(LATCHKEY_SERVER_BINARY));
    const QCommandLineOption logLevel(QStringLiteral("log-level"), QStringLiteral("The server's --log-level."),
                                      QStringLiteral("level"), QStringLiteral("info"));
    const QCommandLineOption only(QStringLiteral("only"), QStringLiteral("Only the set-ups of one database."),
                                  QStringLiteral("sqlite|postgresql"));
    parser.addOptions({connections, seconds, serverBinary, logLevel, only});
    parser.process(app);
    const Options options{parser.value(serverBinary), parser.value(logLevel), parser.value(connections).toInt(),
                          parser.value(seconds).toInt()};
    std::printf("%d keep-alive connections, %d s per phase, server log level %s, %ld cores\n", options.connections,
                options.seconds, qPrintable(options.logLevel), sysconf(_SC_NPROCESSORS_ONLN));
    const int cores = std::max(1, QThread::idealThreadCount());
    const QList<std::pair<QString, int>> setups{{QStringLiteral("sqlite"), 1},
                                                {QStringLiteral("postgresql"), 1},
                                                {QStringLiteral("postgresql"), 2}};
    bool ok = true;
    for (const auto &[backend, instances] : setups) {
        if (parser.isSet(only) && parser.value(only) != backend)
            continue;
        const QString name = QStringLiteral("%1, %2 instance%3, ")
                                 .arg(backend)
                                 .arg(instances)
                                 .arg(instances > 1 ? QStringLiteral("s") : QString());
        Rates baseline;
        Rates threaded;
        ok = measure({name + QStringLiteral("1 thread"), backend, instances, 1}, options, &baseline) && ok;
        ok = measure({name + QStringLiteral("%1 threads").arg(cores), backend, instances, 0}, options, &threaded) && ok;
        compare(baseline, threaded);
    }
    return ok ? 0 : 2;
}
