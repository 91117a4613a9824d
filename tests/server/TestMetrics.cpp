// GET /metrics on --metrics-listen (issue 20): Prometheus's text format on a
// port of its own, counters that move by what the server did, label values
// from a bounded set that never carries what a client sent.
#include "HttpRobot.h"
#include "Metrics.h"
#include "Protocol.h"
#include "ResultAssert.h"
#include "SignInRobot.h"
#include "SignInStore.h"
#include "TestServer.h"
#include "TokenStore.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <memory>

namespace {

const QString Discovery = QStringLiteral("/.well-known/openid-configuration");
// Stand-ins for what clients send and the server must never repeat.
const QByteArray SecretCode = "secret-code-Zq81Xv";
const QByteArray SecretToken = "secret-token-Hb27Wm";
const QByteArray SecretPath = "/secret-path-Kd55Ny";

// One sample line: name, optional {labels}, value (exposition format 0.0.4).
const QRegularExpression SampleLine(
    QStringLiteral(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")"
                   R"((?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (\S+)$)"));

const QStringList Families{QStringLiteral("latchkey_http_requests_total"),
                           QStringLiteral("latchkey_http_request_duration_seconds"),
                           QStringLiteral("latchkey_sign_ins_total"),
                           QStringLiteral("latchkey_onboardings_total"),
                           QStringLiteral("latchkey_refresh_total"),
                           QStringLiteral("latchkey_pending_sign_ins"),
                           QStringLiteral("latchkey_guard_refusals_total"),
                           QStringLiteral("latchkey_device_grants_total"),
                           QStringLiteral("latchkey_database_errors_total")};

// A scrape, by series ("name{labels}" as written): the value.
class Scrape
{
public:
    explicit Scrape(const QByteArray &text = {})
        : m_text(text)
    {
        for (const QByteArray &line : text.split('\n')) {
            if (line.isEmpty() || line.startsWith('#'))
                continue;
            const qsizetype space = line.lastIndexOf(' ');
            m_values.insert(QString::fromUtf8(line.left(space)), line.mid(space + 1).toDouble());
        }
    }
    double operator[](const QString &series) const { return m_values.value(series); }
    bool has(const QString &series) const { return m_values.contains(series); }
    const QByteArray &text() const { return m_text; }

private:
    QByteArray m_text;
    QHash<QString, double> m_values;
};

QString requests(const QString &route, int status)
{
    return QStringLiteral("latchkey_http_requests_total{route=\"%1\",status=\"%2\"}").arg(route).arg(status);
}

QString outcome(const char *family, const char *label, const char *value)
{
    return QStringLiteral("%1{%2=\"%3\"}").arg(QLatin1String(family), QLatin1String(label), QLatin1String(value));
}

QString signIns(const char *provider, const char *result)
{
    return QStringLiteral("latchkey_sign_ins_total{provider=\"%1\",outcome=\"%2\"}")
        .arg(QLatin1String(provider), QLatin1String(result));
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();

    void validRightAfterStart();
    void contentTypeAndOnlyGet();
    void notOnTheMainPort();
    void noListenerWithoutTheOption();
    void refusesAnAddressInUse();
    void countsRequestsByRoute();
    void durationsAreAHistogram();
    void countsGuardRefusals();
    void countsSignInsOnboardingsAndRefreshes();
    void countsPendingSignIns();
    void countsDatabaseErrors();
    void noSecretInTheOutput();
    void escapesLabelValues();
    void countsFromManyThreads();

private:
    Scrape scrape();
    QUrl url(const QString &path) const { return m_server->url(path); }
    QByteArray rawExchange(const QByteArray &data);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
    std::unique_ptr<SignInRobot> m_robot;
};

void TestMetrics::initTestCase_data()
{
    TestDatabase::addBackendRows();
}

void TestMetrics::init()
{
    LATCHKEY_USE_BACKEND();
    ServerConfig config = qaServerConfig();
    config.metricsAddress = QHostAddress::LocalHost;
    config.metricsPort = 0;
    m_server = std::make_unique<TestServer>(config);
    QVERIFY_OK(m_server->start());
    QVERIFY(m_server->server().metricsPort() > 0);
    QVERIFY(m_server->server().metricsPort() != m_server->server().port());
    m_http = std::make_unique<HttpRobot>();
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);
}

void TestMetrics::cleanup()
{
    m_robot.reset();
    m_http.reset();
    m_server.reset();
}

Scrape TestMetrics::scrape()
{
    const HttpResult answer = m_http->get(
        QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(m_server->server().metricsPort())));
    if (answer.status != 200)
        qWarning("scrape answered %d", answer.status);
    return Scrape(answer.body);
}

QByteArray TestMetrics::rawExchange(const QByteArray &data)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->server().port());
    QElapsedTimer timer;
    timer.start();
    // The server runs in this thread: wait with its event loop turning.
    while (socket.state() != QAbstractSocket::ConnectedState && timer.elapsed() < 3000)
        QTest::qWait(5);
    socket.write(data);
    QByteArray received;
    while (!received.contains("\r\n") && timer.elapsed() < 5000) {
        QTest::qWait(10);
        received += socket.readAll();
    }
    return received.left(received.indexOf("\r\n"));
}

void TestMetrics::validRightAfterStart()
{
    const Scrape first = scrape();
    const QByteArray &text = first.text();
    QVERIFY(!text.isEmpty());
    QVERIFY(text.endsWith('\n'));
    for (const QString &family : Families) {
        QVERIFY2(text.contains(QByteArray("# HELP " + family.toUtf8() + ' ')), qPrintable(family));
        QVERIFY2(text.contains(QByteArray("# TYPE " + family.toUtf8() + ' ')), qPrintable(family));
    }
    QVERIFY(text.contains("# TYPE latchkey_http_request_duration_seconds histogram\n"));
    QVERIFY(text.contains("# TYPE latchkey_pending_sign_ins gauge\n"));
    QVERIFY(text.contains("\nlatchkey_database_errors_total 0\n"));
    QCOMPARE(first[outcome("latchkey_guard_refusals_total", "reason", "header_too_large")], 0.0);
    QVERIFY(first.has(outcome("latchkey_refresh_total", "outcome", "rotated")));
    QCOMPARE(first[outcome("latchkey_device_grants_total", "outcome", "started")], 0.0);
    QVERIFY(first.has(outcome("latchkey_device_grants_total", "outcome", "issued")));
    QCOMPARE(first[QStringLiteral("latchkey_pending_sign_ins")], 0.0);
    QVERIFY(first.has(QStringLiteral("latchkey_pending_sign_ins")));
    for (const QByteArray &line : text.split('\n')) {
        if (!line.isEmpty() && !line.startsWith('#'))
            QVERIFY2(SampleLine.match(QString::fromUtf8(line)).hasMatch(), line.constData());
    }
    // A scrape is not counted: the metrics listener counts nothing.
    QVERIFY(!scrape().text().contains("route=\"/metrics\""));
}

void TestMetrics::contentTypeAndOnlyGet()
{
    const QUrl metrics(QStringLiteral("http://127.0.0.1:%1/metrics").arg(m_server->server().metricsPort()));
    const HttpResult answer = m_http->get(metrics);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.header("Content-Type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
    QCOMPARE(m_http->send("POST", metrics, "x", {{"Content-Type", "text/plain"}}).status, 405);
    // Nothing of the main port's routes on the metrics listener.
    QCOMPARE(m_http
                 ->get(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->server().metricsPort()).arg(Discovery)))
                 .status,
             404);
}

void TestMetrics::notOnTheMainPort()
{
    const Scrape before = scrape();
    QCOMPARE(m_http->get(url(QStringLiteral("/metrics"))).status, 404);
    QCOMPARE(scrape()[requests(Metrics::OtherRoute, 404)] - before[requests(Metrics::OtherRoute, 404)], 1.0);
}

void TestMetrics::noListenerWithoutTheOption()
{
    TestServer plain(qaServerConfig());
    QVERIFY_OK(plain.start());
    QCOMPARE(plain.server().metricsPort(), quint16(0));
    QCOMPARE(m_http->get(plain.url(QStringLiteral("/metrics"))).status, 404);
    // Counting goes on, for a later listener of another kind; nothing serves it.
    QVERIFY(plain.server().metrics().exposition().contains("latchkey_http_requests_total{route=\"other\""));
}

void TestMetrics::refusesAnAddressInUse()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    ServerConfig config = qaServerConfig();
    config.metricsPort = taken.serverPort();
    TestServer clash(config);
    const auto started = clash.start();
    QVERIFY(!started);
    QVERIFY2(started.error().description.startsWith(QLatin1String("--metrics-listen: cannot listen on 127.0.0.1:")),
             qPrintable(started.error().description));
}

void TestMetrics::countsRequestsByRoute()
{
    const Scrape before = scrape();
    for (int i = 0; i < 3; ++i)
        QCOMPARE(m_http->get(url(Discovery)).status, 200);
    QCOMPARE(m_http->get(url(QStringLiteral("/no/such/path"))).status, 404);
    QCOMPARE(m_http
                 ->postForm(url(QStringLiteral("/token")),
                            {{"grant_type", "authorization_code"},
                             {"client_id", QString::fromLatin1(Protocol::DefaultClientId)},
                             {"code", "not-a-code"},
                             {"redirect_uri", "http://127.0.0.1:1/callback"},
                             {"code_verifier", QString(43, u'a')}})
                 .status,
             400);
    QCOMPARE(m_http->send("PUT", url(QStringLiteral("/token")), "x", {{"Content-Type", "text/plain"}}).status, 405);
    const Scrape after = scrape();
    QCOMPARE(after[requests(Discovery, 200)] - before[requests(Discovery, 200)], 3.0);
    QCOMPARE(after[requests(Metrics::OtherRoute, 404)] - before[requests(Metrics::OtherRoute, 404)], 1.0);
    QCOMPARE(after[requests(QStringLiteral("/token"), 400)] - before[requests(QStringLiteral("/token"), 400)], 1.0);
    QCOMPARE(after[requests(QStringLiteral("/token"), 405)] - before[requests(QStringLiteral("/token"), 405)], 1.0);
    QVERIFY(!after.text().contains("/no/such/path"));
}

void TestMetrics::durationsAreAHistogram()
{
    for (int i = 0; i < 4; ++i)
        QCOMPARE(m_http->get(url(Discovery)).status, 200);
    const Scrape after = scrape();
    const QString route = QStringLiteral("route=\"%1\"").arg(Discovery);
    const QString name = QStringLiteral("latchkey_http_request_duration_seconds");
    const double count = after[QStringLiteral("%1_count{%2}").arg(name, route)];
    QCOMPARE(count, 4.0);
    QCOMPARE(after[QStringLiteral("%1_bucket{%2,le=\"+Inf\"}").arg(name, route)], count);
    QVERIFY(after[QStringLiteral("%1_sum{%2}").arg(name, route)] > 0);
    double previous = 0;
    for (const char *le :
         {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10"}) {
        const QString bucket = QStringLiteral("%1_bucket{%2,le=\"%3\"}").arg(name, route, QLatin1String(le));
        QVERIFY2(after.has(bucket), qPrintable(bucket));
        QVERIFY2(after[bucket] >= previous, qPrintable(bucket)); // cumulative
        previous = after[bucket];
    }
    QVERIFY(previous <= count);
}

void TestMetrics::countsGuardRefusals()
{
    const Scrape before = scrape();
    QCOMPARE(rawExchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(17 * 1024, 'a') + "\r\n\r\n"),
             QByteArray("HTTP/1.1 431 Request Header Fields Too Large"));
    QCOMPARE(rawExchange("POST /token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"),
             QByteArray("HTTP/1.1 411 Length Required"));
    QCOMPARE(rawExchange("POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: 209715200\r\n\r\n"),
             QByteArray("HTTP/1.1 413 Payload Too Large"));
    const Scrape after = scrape();
    for (const char *reason : {"header_too_large", "transfer_encoding", "body_too_large"}) {
        const QString series = outcome("latchkey_guard_refusals_total", "reason", reason);
        QVERIFY2(after[series] - before[series] == 1.0, qPrintable(series));
    }
    const QString untouched = outcome("latchkey_guard_refusals_total", "reason", "per_address");
    QCOMPARE(after[untouched], before[untouched]);
}

void TestMetrics::countsSignInsOnboardingsAndRefreshes()
{
    const Scrape before = scrape();
    // A returning person, signed in, whose session then refreshes twice and is replayed.
    const AuthorizationRequest returning = m_robot->newRequest();
    const QString code = m_robot->signInWithPersona(returning, QStringLiteral("google"), QStringLiteral("returning"))
                             .queryItemValue(QStringLiteral("code"));
    const QString first = m_robot->exchangeCode(returning, code).json().value(QLatin1String("refresh_token")).toString();
    QVERIFY(!first.isEmpty());
    const QString second = m_robot->refresh(first).json().value(QLatin1String("refresh_token")).toString();
    QVERIFY(!second.isEmpty());
    QCOMPARE(m_robot->refresh(second).status, 200);
    m_server->clock().advance(TokenStore::RefreshGraceSeconds + 1);
    QCOMPARE(m_robot->refresh(first).status, 400); // reuse: the family is revoked
    QCOMPARE(m_robot->refresh(QStringLiteral("no-dot")).status, 400);
    // Someone who cancels at the provider.
    const QUrlQuery cancelled = m_robot->cancelAt(m_robot->newRequest(), QStringLiteral("github"));
    QCOMPARE(cancelled.queryItemValue(QStringLiteral("error")), QStringLiteral("access_denied"));
    // A new person, who onboards: a taken username first.
    const AuthorizationRequest fresh = m_robot->newRequest();
    const QString onboarding = m_robot->onboardingTokenFor(fresh, QStringLiteral("github"), QStringLiteral("gh-m1"));
    QVERIFY(!onboarding.isEmpty());
    QCOMPARE(m_robot->onboard(onboarding, fresh.verifier, QStringLiteral("rita"), QStringLiteral("k1")).status, 409);
    QCOMPARE(m_robot->onboard(onboarding, fresh.verifier, QStringLiteral("metrics.m1"), QStringLiteral("k2")).status,
             201);
    QCOMPARE(m_robot->onboard(onboarding, fresh.verifier, QStringLiteral("metrics.m1"), QStringLiteral("k2")).status,
             201);
    QCOMPARE(m_robot->onboard(onboarding, fresh.verifier, QStringLiteral("metrics.m1"), QStringLiteral("k3")).status,
             409);

    const Scrape after = scrape();
    auto moved = [&](const QString &series) { return after[series] - before[series]; };
    QCOMPARE(moved(signIns("google", "signed_in")), 1.0);
    QCOMPARE(moved(signIns("github", "onboarding")), 1.0);
    QCOMPARE(moved(signIns("github", "cancelled")), 1.0);
    QCOMPARE(moved(signIns("github", "signed_in")), 0.0);
    QCOMPARE(moved(outcome("latchkey_refresh_total", "outcome", "rotated")), 2.0);
    QCOMPARE(moved(outcome("latchkey_refresh_total", "outcome", "reuse_revoked")), 1.0);
    QCOMPARE(moved(outcome("latchkey_refresh_total", "outcome", "invalid")), 1.0);
    QCOMPARE(moved(outcome("latchkey_refresh_total", "outcome", "grace")), 0.0);
    QCOMPARE(moved(outcome("latchkey_onboardings_total", "outcome", "username_taken")), 1.0);
    QCOMPARE(moved(outcome("latchkey_onboardings_total", "outcome", "created")), 1.0);
    QCOMPARE(moved(outcome("latchkey_onboardings_total", "outcome", "replayed")), 1.0);
    QCOMPARE(moved(outcome("latchkey_onboardings_total", "outcome", "already_completed")), 1.0);
}

void TestMetrics::countsPendingSignIns()
{
    const double before = scrape()[QStringLiteral("latchkey_pending_sign_ins")];
    QVERIFY(!m_robot->openSignInPage(m_robot->newRequest()).isEmpty());
    QVERIFY(!m_robot->openSignInPage(m_robot->newRequest()).isEmpty());
    QCOMPARE(scrape()[QStringLiteral("latchkey_pending_sign_ins")], before + 2);
    // Finished ones no longer wait.
    m_robot->signInWithPersona(m_robot->newRequest(), QStringLiteral("google"), QStringLiteral("returning"));
    QCOMPARE(scrape()[QStringLiteral("latchkey_pending_sign_ins")], before + 2);
    m_server->clock().advance(SignInStore::Lifetime + 1);
    QCOMPARE(scrape()[QStringLiteral("latchkey_pending_sign_ins")], 0.0);
}

void TestMetrics::countsDatabaseErrors()
{
    if (m_server->database().backend() != QLatin1String("postgresql"))
        QSKIP("SQLite: nothing outside the server can make its open database file fail; the PostgreSQL row ends "
              "the server's connections and refuses new ones");
    const double before = scrape()[QStringLiteral("latchkey_database_errors_total")];
    QVERIFY(m_server->database().setAcceptingConnections(false));
    QVERIFY(m_server->database().terminateConnections());
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("^lost the connection to postgresql://")));
    QCOMPARE(m_http->get(url(QStringLiteral("/readyz"))).status, 503);
    QVERIFY(m_server->database().setAcceptingConnections(true));
    const Scrape after = scrape();
    QVERIFY2(after[QStringLiteral("latchkey_database_errors_total")] > before, after.text().constData());
    QCOMPARE(after[requests(QStringLiteral("/readyz"), 503)], 1.0);
}

void TestMetrics::noSecretInTheOutput()
{
    QCOMPARE(m_http->get(url(QString::fromLatin1(SecretPath + "?code=" + SecretCode))).status, 404);
    QCOMPARE(m_http->get(url(QStringLiteral("/userinfo")), {{"Authorization", "Bearer " + SecretToken}}).status, 401);
    QCOMPARE(m_http
                 ->postForm(url(QStringLiteral("/token")),
                            {{"grant_type", "refresh_token"},
                             {"client_id", QString::fromLatin1(Protocol::DefaultClientId)},
                             {"refresh_token", QString::fromLatin1(SecretToken + ".x")}})
                 .status,
             400);
    QCOMPARE(m_http
                 ->postForm(url(QStringLiteral("/token")),
                            {{"grant_type", "authorization_code"},
                             {"client_id", QString::fromLatin1(Protocol::DefaultClientId)},
                             {"code", QString::fromLatin1(SecretCode)},
                             {"redirect_uri", "http://127.0.0.1:1/callback"},
                             {"code_verifier", QString(43, u'a')}})
                 .status,
             400);
    QCOMPARE(m_http
                 ->get(url(QStringLiteral("/upstream/google/callback?state=") + QString::fromLatin1(SecretCode)
                           + QStringLiteral("&code=") + QString::fromLatin1(SecretCode)))
                 .status,
             400);
    const QByteArray text = scrape().text();
    QVERIFY(text.contains("route=\"/upstream/google/callback\""));
    QVERIFY(text.contains("route=\"/userinfo\",status=\"401\""));
    for (const QByteArray &secret : {SecretCode, SecretToken, SecretPath})
        QVERIFY2(!text.contains(secret), secret.constData());
}

void TestMetrics::escapesLabelValues()
{
    Metrics metrics;
    metrics.countSignIn(QStringLiteral("we\"ird\\id\nx"), Metrics::SignIn::Invalid);
    metrics.countRequest(QStringLiteral("/a"), 200, 3'000'000); // 3 ms
    const QByteArray text = metrics.exposition();
    QVERIFY2(text.contains("latchkey_sign_ins_total{provider=\"we\\\"ird\\\\id\\nx\",outcome=\"invalid\"} 1\n"),
             text.constData());
    QVERIFY(text.contains("latchkey_http_request_duration_seconds_bucket{route=\"/a\",le=\"0.0025\"} 0\n"));
    QVERIFY(text.contains("latchkey_http_request_duration_seconds_bucket{route=\"/a\",le=\"0.005\"} 1\n"));
    QVERIFY(text.contains("latchkey_http_request_duration_seconds_sum{route=\"/a\"} 0.003\n"));
    // Without a source the gauge has no sample, its family still does.
    QVERIFY(text.contains("# TYPE latchkey_pending_sign_ins gauge\n"));
    QVERIFY(!text.contains("\nlatchkey_pending_sign_ins "));
}

void TestMetrics::countsFromManyThreads()
{
    Metrics metrics;
    constexpr int Threads = 4;
    constexpr int Each = 20000;
    QList<QThread *> threads;
    for (int t = 0; t < Threads; ++t) {
        threads.append(QThread::create([&metrics] {
            for (int i = 0; i < Each; ++i) {
                metrics.countRequest(QStringLiteral("/token"), 200, 1000);
                metrics.countRefresh(Metrics::Refresh::Rotated);
            }
        }));
        threads.last()->start();
    }
    for (int i = 0; i < 50; ++i)
        QVERIFY(!metrics.exposition().isEmpty()); // scrapes while they count
    for (QThread *thread : threads) {
        QVERIFY(thread->wait(30000));
        delete thread;
    }
    const Scrape done(metrics.exposition());
    QCOMPARE(done[requests(QStringLiteral("/token"), 200)], double(Threads * Each));
    QCOMPARE(done[outcome("latchkey_refresh_total", "outcome", "rotated")], double(Threads * Each));
    QCOMPARE(done[QStringLiteral("latchkey_http_request_duration_seconds_count{route=\"/token\"}")],
             double(Threads * Each));
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "TestMetrics.moc"
