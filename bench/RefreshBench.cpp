// Drives latchkey-server's token endpoint with refresh grants on N keep-alive
// connections, each chaining its own rotating refresh token as a real client
// does, then userinfo; prints throughput and latency percentiles.
//
//   latchkey-bench-token [--connections 32] [--seconds 10] [--server PATH]

#include "BundledServer.h"
#include "KeepAliveClient.h"
#include "SignInRobot.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

struct Session
{
    QByteArray refreshToken;
    QByteArray accessToken;
};

struct Phase
{
    std::vector<qint64> latencies;
    int errors = 0;
    qint64 elapsedNs = 0;
};


QList<Session> signIn(const QString &issuer, int count)
{
    HttpRobot http;
    SignInRobot robot(issuer, http);
    QList<Session> sessions;
    for (int i = 0; i < count; ++i) {
        const AuthorizationRequest request = robot.newRequest();
        const QUrlQuery callback = robot.signInWithPersona(request, QStringLiteral("google"), QStringLiteral("returning"));
        const QJsonObject tokens = robot.exchangeCode(request, callback.queryItemValue(QStringLiteral("code"))).json();
        sessions.append({tokens.value(QLatin1String("refresh_token")).toString().toLatin1(),
                         tokens.value(QLatin1String("access_token")).toString().toLatin1()});
    }
    return sessions;
}

// Runs one phase: every connection loops until `seconds` have passed.
Phase run(const QUrl &base, QList<Session> &sessions, int seconds, bool refresh)
{
    Phase phase;
    QElapsedTimer clock;
    clock.start();
    const qint64 deadline = qint64(seconds) * 1000000000;
    int running = int(sessions.size());
    QEventLoop loop;
    std::vector<std::unique_ptr<KeepAliveClient>> clients;
    const QByteArray hostHeader = base.authority().toLatin1();
    for (Session &session : sessions) {
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
        clients.push_back(std::make_unique<KeepAliveClient>(base.host(), quint16(base.port()), next, onResponse));
        QObject::connect(clients.back().get(), &KeepAliveClient::stopped, &loop, [&] {
            if (--running == 0)
                loop.quit();
        });
    }
    loop.exec();
    phase.elapsedNs = clock.nsecsElapsed();
    return phase;
}

void report(const char *name, Phase &phase)
{
    std::sort(phase.latencies.begin(), phase.latencies.end());
    auto percentile = [&phase](double p) {
        if (phase.latencies.empty())
            return 0.0;
        const size_t index = std::min(phase.latencies.size() - 1, size_t(p * double(phase.latencies.size())));
        return double(phase.latencies[index]) / 1e6;
    };
    const double seconds = double(phase.elapsedNs) / 1e9;
    std::printf("%-16s %9zu requests in %5.2f s  %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  errors %d\n",
                name, phase.latencies.size(), seconds, double(phase.latencies.size()) / seconds, percentile(0.50),
                percentile(0.99), percentile(1.0), phase.errors);
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
    parser.addOptions({connections, seconds, serverBinary, logLevel});
    parser.process(app);

    QTemporaryDir dir;
    BundledServer server;
    server.setLogFile(dir.filePath(QStringLiteral("server.log")));
    QSignalSpy ready(&server, &BundledServer::ready);
    // The benchmark measures the server, not its per-address limit: all its
    // connections come from one address, far beyond what one client sends.
    server.start(parser.value(serverBinary), {QStringLiteral("--log-level"), parser.value(logLevel),
                                              QStringLiteral("--rate-limit"), QStringLiteral("token=10000000"),
                                              QStringLiteral("--rate-limit"), QStringLiteral("authorize=10000000")});
    const QString issuer = ready.wait(BundledServer::StartTimeoutMs) ? server.issuer() : QString();
    if (issuer.isEmpty()) {
        QTextStream(stderr) << "latchkey-bench-token: the server did not start\n";
        return 1;
    }
    QList<Session> sessions = signIn(issuer, parser.value(connections).toInt());
    std::printf("latchkey-server at %s, %lld connections, %d s per phase, server log level %s\n",
                qPrintable(issuer), qlonglong(sessions.size()), parser.value(seconds).toInt(),
                qPrintable(parser.value(logLevel)));
    Phase refresh = run(QUrl(issuer), sessions, parser.value(seconds).toInt(), true);
    report("refresh grants", refresh);
    Phase userinfo = run(QUrl(issuer), sessions, parser.value(seconds).toInt(), false);
    report("userinfo", userinfo);
    return refresh.errors + userinfo.errors == 0 ? 0 : 2;
}
