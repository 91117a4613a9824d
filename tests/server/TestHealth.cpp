// /healthz and /readyz (PROTOCOL.md 9): what a load balancer or an
// orchestrator asks before it sends anyone here.
#include "HttpRobot.h"
#include "ResultAssert.h"
#include "TestServer.h"

#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

namespace {

// The request log's lines for one path, with the level each was logged at.
QList<QtMsgType> requestLevels;
QString watchedPath;

// The tests run with QT_LOGGING_RULES=*.debug=false, which rules set in code
// cannot override: a filter of its own turns this category's debug lines on.
QLoggingCategory::CategoryFilter previousFilter = nullptr;

void enableDebug(QLoggingCategory *category)
{
    // Null while installFilter() applies this filter to the existing categories: they keep their state.
    if (previousFilter)
        previousFilter(category);
    if (qstrcmp(category->categoryName(), "latchkey.request") == 0)
        category->setEnabled(QtDebugMsg, true);
}

void captureRequestLevels(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "latchkey.request") == 0
        && message.contains(QLatin1Char(' ') + watchedPath + QLatin1Char(' ')))
        requestLevels.append(type);
}

} // namespace

class TestHealth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();
    void liveAnswers();
    void readyOnAHealthyServer();
    void notReadyWhileTheDatabaseIsAway();
    void readyAtOnceWhenOnlyTheConnectionWasLost();
    void neverRateLimited_data();
    void neverRateLimited();
    void onlyGet_data();
    void onlyGet();
    void loggedAtDebugOnly_data();
    void loggedAtDebugOnly();

private:
    QUrl url(const char *path) const { return m_server->url(QLatin1String(path)); }

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
};

void TestHealth::initTestCase_data()
{
    TestDatabase::addBackendRows();
}

void TestHealth::init()
{
    LATCHKEY_USE_BACKEND();
    ServerConfig config = qaServerConfig();
    // Low, so that a few probes would already exceed any per-address limit.
    config.authorizePerAddressPerMinute = 2;
    config.tokenPerAddressPerMinute = 2;
    config.callbacksPerAddressPerMinute = 2;
    m_server = std::make_unique<TestServer>(config);
    QVERIFY_OK(m_server->start());
    m_http = std::make_unique<HttpRobot>();
}

void TestHealth::cleanup()
{
    m_http.reset();
    m_server.reset();
}

void TestHealth::liveAnswers()
{
    const HttpResult live = m_http->get(url("/healthz"));
    QCOMPARE(live.status, 200);
    QCOMPARE(live.json().value(QLatin1String("status")).toString(), QStringLiteral("ok"));
}

void TestHealth::readyOnAHealthyServer()
{
    const HttpResult ready = m_http->get(url("/readyz"));
    QCOMPARE(ready.status, 200);
    const QJsonObject body = ready.json();
    QCOMPARE(body.value(QLatin1String("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(body.value(QLatin1String("database")).toString(), QStringLiteral("up"));
    QCOMPARE(body.value(QLatin1String("signing_key")).toString(), QStringLiteral("up"));
}

void TestHealth::notReadyWhileTheDatabaseIsAway()
{
    if (m_server->database().backend() != QLatin1String("postgresql"))
        QSKIP("SQLite: the server keeps its database file open, so nothing outside it can make the file stop "
              "answering; the PostgreSQL row ends the server's connections and refuses new ones");
    QVERIFY(m_server->database().setAcceptingConnections(false));
    QVERIFY(m_server->database().terminateConnections());
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("^lost the connection to postgresql://")));
    const HttpResult away = m_http->get(url("/readyz"));
    QCOMPARE(away.status, 503);
    QCOMPARE(away.json().value(QLatin1String("status")).toString(), QStringLiteral("unavailable"));
    QCOMPARE(away.json().value(QLatin1String("database")).toString(), QStringLiteral("down"));
    QCOMPARE(away.json().value(QLatin1String("signing_key")).toString(), QStringLiteral("up"));
    // The process still serves.
    QCOMPARE(m_http->get(url("/healthz")).status, 200);

    QVERIFY(m_server->database().setAcceptingConnections(true));
    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("^connected to postgresql://.* again")));
    HttpResult back = m_http->get(url("/readyz"));
    for (int attempt = 0; back.status == 503 && attempt < 20; ++attempt) {
        QTest::qWait(250); // the server tries again at most once a second
        back = m_http->get(url("/readyz"));
    }
    QCOMPARE(back.status, 200);
    QCOMPARE(back.json().value(QLatin1String("database")).toString(), QStringLiteral("up"));
}

// PostgreSQL restarted while nothing used the connections: each worker
// thread finds its own lost only at its next statement. A probe then must
// not say "down" for a database that answers (behind nginx one probe in two
// did, one per worker that had not noticed yet).
void TestHealth::readyAtOnceWhenOnlyTheConnectionWasLost()
{
    if (m_server->database().backend() != QLatin1String("postgresql"))
        QSKIP("SQLite: no connection to lose");
    QVERIFY(m_server->database().terminateConnections());
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("^lost the connection to postgresql://")));
    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("^connected to postgresql://.* again")));
    // Each probe may land on any worker: as many probes as workers, all ready.
    for (int probe = 0; probe < 2 * m_server->server().threadCount(); ++probe)
        QCOMPARE(m_http->get(url("/readyz")).status, 200);
}

void TestHealth::neverRateLimited_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::newRow("healthz") << QByteArray("/healthz");
    QTest::newRow("readyz") << QByteArray("/readyz");
}

void TestHealth::neverRateLimited()
{
    QFETCH(QByteArray, path);
    // Far more than any per-address limit of this server (2 a minute) and than the default /authorize one.
    for (int i = 0; i < 150; ++i) {
        const HttpResult answer = m_http->get(url(path.constData()));
        QVERIFY2(answer.status == 200, qPrintable(QStringLiteral("probe %1: %2").arg(i).arg(answer.status)));
    }
}

void TestHealth::onlyGet_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QByteArray>("path");
    for (const char *path : {"/healthz", "/readyz"}) {
        for (const char *verb : {"POST", "PUT", "DELETE"})
            QTest::addRow("%s %s", verb, path) << QByteArray(verb) << QByteArray(path);
    }
}

void TestHealth::onlyGet()
{
    QFETCH(QByteArray, verb);
    QFETCH(QByteArray, path);
    const HttpResult answer = m_http->send(verb, url(path.constData()), QByteArray("{}"),
                                           {{"Content-Type", "application/json"}});
    QCOMPARE(answer.status, 405);
    QCOMPARE(answer.header("Allow"), QByteArray("GET"));
}

void TestHealth::loggedAtDebugOnly_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("level");
    QTest::newRow("healthz") << QStringLiteral("/healthz") << int(QtDebugMsg);
    QTest::newRow("readyz") << QStringLiteral("/readyz") << int(QtDebugMsg);
    // The other requests keep their info line.
    QTest::newRow("discovery") << QStringLiteral("/.well-known/openid-configuration") << int(QtInfoMsg);
}

void TestHealth::loggedAtDebugOnly()
{
    QFETCH(QString, path);
    QFETCH(int, level);
    previousFilter = QLoggingCategory::installFilter(enableDebug);
    requestLevels.clear();
    watchedPath = path;
    const QtMessageHandler previous = qInstallMessageHandler(captureRequestLevels);
    const HttpResult answer = m_http->get(m_server->url(path));
    qInstallMessageHandler(previous);
    QLoggingCategory::installFilter(previousFilter);
    QCOMPARE(answer.status, 200);
    QCOMPARE(requestLevels, QList<QtMsgType>{QtMsgType(level)});
}

QTEST_GUILESS_MAIN(TestHealth)
#include "TestHealth.moc"
