// /upstream/<id>/callback under load from one browser or address: the
// database reads a callback costs stay bounded however many cookies it
// carries, and the callback is rate limited per client address.
#include "HttpRobot.h"
#include "ResultAssert.h"
#include "TestServer.h"

#include <QJsonObject>
#include <QTest>

namespace {

const QString CallbackPath = QStringLiteral("/upstream/google/callback");
constexpr int CallbacksPerMinute = 5;

// The callback's debug line per sign-in it reads for a cookie.
int cookieLookups = 0;

// The tests run with QT_LOGGING_RULES=*.debug=false, which rules set in code
// cannot override: a filter of its own turns this category's debug lines on.
QLoggingCategory::CategoryFilter previousFilter = nullptr;

void enableDebug(QLoggingCategory *category)
{
    // Null while installFilter() applies this filter to the existing categories: they keep their state.
    if (previousFilter)
        previousFilter(category);
    if (qstrcmp(category->categoryName(), "latchkey.upstream") == 0)
        category->setEnabled(QtDebugMsg, true);
}

void countCookieLookups(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "latchkey.upstream") == 0
        && message.contains(QLatin1String("reading the sign-in of cookie")))
        ++cookieLookups;
}

QByteArray cookieHeader(int bindingCookies, int otherCookies)
{
    QByteArrayList pairs;
    for (int i = 0; i < otherCookies; ++i)
        pairs.append("o" + QByteArray::number(i) + "=x");
    // Short, so that 500 fit in the 16 KiB of request headers the server reads.
    for (int i = 0; i < bindingCookies; ++i)
        pairs.append("lk_r" + QByteArray::number(i) + "=b");
    return pairs.join("; ");
}

} // namespace

class TestUpstreamCallback : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();
    void cookieLookupsAreBounded_data();
    void cookieLookupsAreBounded();
    void rateLimitedPerAddress();

private:
    HttpResult callback(const QByteArray &cookies = {});

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
};

void TestUpstreamCallback::initTestCase_data()
{
    TestDatabase::addBackendRows();
}

void TestUpstreamCallback::init()
{
    LATCHKEY_USE_BACKEND();
    ServerConfig config = qaServerConfig();
    config.callbacksPerAddressPerMinute = CallbacksPerMinute;
    m_server = std::make_unique<TestServer>(config);
    QVERIFY_OK(m_server->start());
    m_http = std::make_unique<HttpRobot>();
}

void TestUpstreamCallback::cleanup()
{
    m_http.reset();
    m_server.reset();
}

HttpResult TestUpstreamCallback::callback(const QByteArray &cookies)
{
    QUrl url = m_server->url(CallbackPath);
    url.setQuery(QStringLiteral("state=not-a-state-we-gave-out&code=c"));
    HeaderList headers;
    if (!cookies.isEmpty())
        headers.append({"Cookie", cookies});
    return m_http->get(url, headers);
}

void TestUpstreamCallback::cookieLookupsAreBounded_data()
{
    QTest::addColumn<int>("bindingCookies");
    QTest::addColumn<int>("otherCookies");
    QTest::addColumn<int>("lookups");
    QTest::newRow("500 lk_ cookies") << 500 << 0 << 4;
    QTest::newRow("500 lk_ cookies among 60 others") << 500 << 60 << 4;
    QTest::newRow("3 lk_ cookies") << 3 << 0 << 3;
    QTest::newRow("no lk_ cookie among 500") << 0 << 500 << 0;
    QTest::newRow("no cookie") << 0 << 0 << 0;
}

void TestUpstreamCallback::cookieLookupsAreBounded()
{
    QFETCH(int, bindingCookies);
    QFETCH(int, otherCookies);
    QFETCH(int, lookups);
    previousFilter = QLoggingCategory::installFilter(enableDebug);
    cookieLookups = 0;
    const QtMessageHandler previous = qInstallMessageHandler(countCookieLookups);
    const HttpResult answer = callback(cookieHeader(bindingCookies, otherCookies));
    qInstallMessageHandler(previous);
    QLoggingCategory::installFilter(previousFilter);
    // None of them is a sign-in of this server: there is no app to return to.
    QCOMPARE(answer.status, 400);
    QCOMPARE(cookieLookups, lookups);
}

void TestUpstreamCallback::rateLimitedPerAddress()
{
    for (int i = 0; i < CallbacksPerMinute; ++i)
        QCOMPARE(callback().status, 400);
    const HttpResult limited = callback();
    QCOMPARE(limited.status, 429);
    QVERIFY(limited.header("Retry-After").toInt() >= 1);
    // Another path from the same address is not held back by it.
    QCOMPARE(m_http->get(m_server->url(QStringLiteral("/.well-known/openid-configuration"))).status, 200);
}

QTEST_GUILESS_MAIN(TestUpstreamCallback)
#include "TestUpstreamCallback.moc"
