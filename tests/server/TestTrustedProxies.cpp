// Behind a reverse proxy (PROTOCOL.md 9): the client's address comes from
// Forwarded / X-Forwarded-For only when the connection comes from a trusted
// proxy, and every per-address limit and QA mode's loopback rule count that
// client, not the proxy. 127.0.0.1 plays the proxy; 127.0.0.x addresses in
// the headers play the people behind it (loopback, so QA mode serves them).

#include "HttpRobot.h"
#include "Protocol.h"
#include "ResultAssert.h"
#include "SignInRobot.h"
#include "TestServer.h"
#include "TrustedProxies.h"

#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

namespace {

const QByteArray Proxy = "127.0.0.1";

HeaderList forwardedFor(const QByteArray &client)
{
    return client.isEmpty() ? HeaderList() : HeaderList{{"X-Forwarded-For", client}};
}

} // namespace

class TestTrustedProxies : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void clientOf_data();
    void clientOf();
    void ipv6CountsPerSlash64();

    void rateLimitCountsTheForwardedClient_data();
    void rateLimitCountsTheForwardedClient();
    void pendingSignInsCountTheForwardedClient_data();
    void pendingSignInsCountTheForwardedClient();
    void qaModeServesForwardedLoopbackOnly_data();
    void qaModeServesForwardedLoopbackOnly();
    void proxyConnectionsAreNotCappedAsOneClient_data();
    void proxyConnectionsAreNotCappedAsOneClient();

private:
    std::unique_ptr<TestServer> startServer(const QStringList &trusted, ServerConfig config = qaServerConfig());
    QString openSignIn(TestServer &server, HttpRobot &http, const QByteArray &client);
};

void TestTrustedProxies::parse_data()
{
    QTest::addColumn<QStringList>("ranges");
    QTest::addColumn<QString>("error"); // part of the message; empty: accepted
    QTest::newRow("none") << QStringList() << QString();
    QTest::newRow("IPv4 range") << QStringList{"10.0.0.0/8"} << QString();
    QTest::newRow("one address") << QStringList{"192.0.2.7"} << QString();
    QTest::newRow("IPv6 range") << QStringList{"2001:db8::/32", "::1"} << QString();
    QTest::newRow("not a range") << QStringList{"proxy.example.org"} << "is not an address range";
    QTest::newRow("prefix too long") << QStringList{"10.0.0.0/33"} << "is not an address range";
    QTest::newRow("all IPv4") << QStringList{"0.0.0.0/0"} << "trusts every address";
    QTest::newRow("all IPv6") << QStringList{"10.0.0.0/8", "::/0"} << "trusts every address";
}

void TestTrustedProxies::parse()
{
    QFETCH(QStringList, ranges);
    QFETCH(QString, error);
    const auto parsed = TrustedProxies::parse(ranges);
    QCOMPARE(parsed.ok(), error.isEmpty());
    if (!error.isEmpty())
        QVERIFY2(parsed.error().description.contains(error), qPrintable(parsed.error().description));
}

void TestTrustedProxies::clientOf_data()
{
    QTest::addColumn<QStringList>("trusted");
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QByteArray>("forwarded");
    QTest::addColumn<QByteArray>("xForwardedFor");
    QTest::addColumn<QString>("client");
    const QStringList proxies{"10.0.0.0/8"};
    QTest::newRow("no proxies: headers ignored")
        << QStringList() << "198.51.100.1" << QByteArray() << QByteArray("203.0.113.9") << "198.51.100.1";
    QTest::newRow("untrusted peer: headers ignored")
        << proxies << "198.51.100.1" << QByteArray("for=203.0.113.9") << QByteArray("203.0.113.9") << "198.51.100.1";
    QTest::newRow("trusted peer, X-Forwarded-For")
        << proxies << "10.0.0.2" << QByteArray() << QByteArray("203.0.113.9") << "203.0.113.9";
    QTest::newRow("forged entries before the client's are not believed")
        << proxies << "10.0.0.2" << QByteArray() << QByteArray("192.0.2.66, 203.0.113.9") << "203.0.113.9";
    QTest::newRow("a chain of trusted proxies")
        << proxies << "10.0.0.2" << QByteArray() << QByteArray("203.0.113.9, 10.1.1.1, 10.2.2.2") << "203.0.113.9";
    QTest::newRow("Forwarded wins over X-Forwarded-For")
        << proxies << "10.0.0.2" << QByteArray("for=203.0.113.9;proto=https") << QByteArray("192.0.2.66")
        << "203.0.113.9";
    QTest::newRow("Forwarded, IPv6 with port")
        << proxies << "10.0.0.2" << QByteArray("for=192.0.2.66, for=\"[2001:db8:cafe::17]:4711\"") << QByteArray()
        << "2001:db8:cafe::17";
    QTest::newRow("Forwarded, obfuscated client")
        << proxies << "10.0.0.2" << QByteArray("for=_hidden") << QByteArray() << "10.0.0.2";
    QTest::newRow("X-Forwarded-For, IPv4 with port")
        << proxies << "10.0.0.2" << QByteArray() << QByteArray("203.0.113.9:5000") << "203.0.113.9";
    QTest::newRow("garbage") << proxies << "10.0.0.2" << QByteArray() << QByteArray("<script>") << "10.0.0.2";
    QTest::newRow("no header from a trusted peer")
        << proxies << "10.0.0.2" << QByteArray() << QByteArray() << "10.0.0.2";
    QTest::newRow("every hop trusted: the farthest")
        << proxies << "10.0.0.2" << QByteArray() << QByteArray("10.9.9.9, 10.1.1.1") << "10.9.9.9";
    QTest::newRow("IPv4-mapped peer") << proxies << "::ffff:10.0.0.2" << QByteArray() << QByteArray("203.0.113.9")
                                      << "203.0.113.9";
}

void TestTrustedProxies::clientOf()
{
    QFETCH(QStringList, trusted);
    QFETCH(QString, peer);
    QFETCH(QByteArray, forwarded);
    QFETCH(QByteArray, xForwardedFor);
    QFETCH(QString, client);
    const auto proxies = TrustedProxies::parse(trusted);
    QVERIFY_OK(proxies);
    QCOMPARE(proxies->clientOf(QHostAddress(peer), forwarded, xForwardedFor), QHostAddress(client));
}

void TestTrustedProxies::ipv6CountsPerSlash64()
{
    const auto key = [](const char *address) { return TrustedProxies::key(QHostAddress(QLatin1String(address))); };
    QCOMPARE(key("2001:db8:1:2::5"), key("2001:db8:1:2:ffff:aaaa:bbbb:1"));
    QVERIFY(key("2001:db8:1:2::5") != key("2001:db8:1:3::5"));
    QCOMPARE(key("::ffff:192.0.2.1"), QStringLiteral("192.0.2.1"));
    QVERIFY(key("192.0.2.1") != key("192.0.2.2"));
}

std::unique_ptr<TestServer> TestTrustedProxies::startServer(const QStringList &trusted, ServerConfig config)
{
    config.trustedProxies = trusted;
    auto server = std::make_unique<TestServer>(config);
    const auto started = server->start();
    if (!started)
        qWarning("server: %s", qPrintable(started.error().description));
    return started ? std::move(server) : nullptr;
}

void TestTrustedProxies::rateLimitCountsTheForwardedClient_data()
{
    QTest::addColumn<QStringList>("trusted");
    QTest::addColumn<int>("otherClientsStatus");
    QTest::newRow("behind a trusted proxy: each client its own limit") << QStringList{"127.0.0.1"} << 400;
    QTest::newRow("no trusted proxy: one address, one limit") << QStringList() << 429;
}

// Three /authorize a minute per address: client .5 uses them up; client .6,
// behind the same proxy, still gets an answer of its own (400 here: the
// request is empty) unless the proxy is not trusted.
void TestTrustedProxies::rateLimitCountsTheForwardedClient()
{
    QFETCH(QStringList, trusted);
    QFETCH(int, otherClientsStatus);
    ServerConfig config = qaServerConfig();
    config.authorizePerAddressPerMinute = 3;
    const auto server = startServer(trusted, config);
    QVERIFY(server);
    HttpRobot http;
    const QUrl authorize = server->url(QStringLiteral("/authorize"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(http.get(authorize, forwardedFor("127.0.0.5")).status, 400);
    QCOMPARE(http.get(authorize, forwardedFor("127.0.0.5")).status, 429);
    QCOMPARE(http.get(authorize, forwardedFor("127.0.0.6")).status, otherClientsStatus);
}

QString TestTrustedProxies::openSignIn(TestServer &server, HttpRobot &http, const QByteArray &client)
{
    SignInRobot robot(server.issuer(), http);
    const HttpResult page = http.get(robot.authorizeUrl(robot.newRequest()), forwardedFor(client));
    static const QRegularExpression requestId(QStringLiteral("request=([A-Za-z0-9_-]+)"));
    return requestId.match(QString::fromUtf8(page.body)).captured(1);
}

void TestTrustedProxies::pendingSignInsCountTheForwardedClient_data()
{
    QTest::addColumn<QStringList>("trusted");
    QTest::addColumn<int>("firstStatus"); // of the first client's sign-in page after the second's flood
    QTest::newRow("behind a trusted proxy: kept") << QStringList{"127.0.0.1"} << 200;
    QTest::newRow("no trusted proxy: pushed out") << QStringList() << 400;
}

// One pending sign-in per address: client .6 opening several must not push
// out the one client .5 is in the middle of.
void TestTrustedProxies::pendingSignInsCountTheForwardedClient()
{
    QFETCH(QStringList, trusted);
    QFETCH(int, firstStatus);
    ServerConfig config = qaServerConfig();
    config.pendingSignInsPerAddress = 1;
    const auto server = startServer(trusted, config);
    QVERIFY(server);
    HttpRobot http;
    const QString first = openSignIn(*server, http, "127.0.0.5");
    QVERIFY(!first.isEmpty());
    for (int i = 0; i < 3; ++i)
        QVERIFY(!openSignIn(*server, http, "127.0.0.6").isEmpty());
    const HttpResult page = http.get(server->url(QStringLiteral("/signin/github?request=") + first),
                                     forwardedFor("127.0.0.5"));
    QCOMPARE(page.status == 302 ? 200 : page.status, firstStatus);
}

void TestTrustedProxies::qaModeServesForwardedLoopbackOnly_data()
{
    QTest::addColumn<QStringList>("trusted");
    QTest::addColumn<QByteArray>("client");
    QTest::addColumn<int>("status");
    QTest::newRow("trusted proxy, client on this machine") << QStringList{"127.0.0.1"} << QByteArray("127.0.0.9") << 200;
    QTest::newRow("trusted proxy, client beyond") << QStringList{"127.0.0.1"} << QByteArray("203.0.113.9") << 403;
    QTest::newRow("untrusted: the header is a claim") << QStringList() << QByteArray("203.0.113.9") << 200;
}

void TestTrustedProxies::qaModeServesForwardedLoopbackOnly()
{
    QFETCH(QStringList, trusted);
    QFETCH(QByteArray, client);
    QFETCH(int, status);
    const auto server = startServer(trusted);
    QVERIFY(server);
    HttpRobot http;
    const HttpResult discovery = http.get(server->url(QLatin1String(Protocol::DiscoveryPath)), forwardedFor(client));
    QCOMPARE(discovery.status, status);
    if (status == 403)
        QCOMPARE(discovery.json().value(QLatin1String("error")).toString(), QStringLiteral("access_denied"));
}

void TestTrustedProxies::proxyConnectionsAreNotCappedAsOneClient_data()
{
    QTest::addColumn<QStringList>("trusted");
    QTest::addColumn<int>("served"); // of 5 kept-alive connections from 127.0.0.1
    QTest::newRow("a trusted proxy's connections") << QStringList{"127.0.0.1"} << 5;
    QTest::newRow("one client's connections") << QStringList() << 2;
}

// A proxy keeps many connections open for its clients: with two connections
// allowed per address, all five of a trusted proxy's are served.
void TestTrustedProxies::proxyConnectionsAreNotCappedAsOneClient()
{
    QFETCH(QStringList, trusted);
    QFETCH(int, served);
    ServerConfig config = qaServerConfig();
    config.connectionLimits.maxPerAddress = 2;
    const auto server = startServer(trusted, config);
    QVERIFY(server);
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < 5; ++i) {
        sockets.push_back(std::make_unique<QTcpSocket>());
        sockets.back()->connectToHost(QHostAddress::LocalHost, server->server().port());
    }
    const QByteArray request = "GET " + QByteArray(Protocol::DiscoveryPath) + " HTTP/1.1\r\nHost: " + Proxy
        + "\r\nX-Forwarded-For: 127.0.0.7\r\n\r\n";
    int ok = 0;
    for (auto &socket : sockets) {
        QTRY_VERIFY_WITH_TIMEOUT(socket->state() == QAbstractSocket::ConnectedState
                                     || socket->state() == QAbstractSocket::UnconnectedState,
                                 3000);
        socket->write(request);
        QTRY_VERIFY_WITH_TIMEOUT(socket->canReadLine() || socket->state() == QAbstractSocket::UnconnectedState, 3000);
        if (socket->readLine().startsWith("HTTP/1.1 200"))
            ++ok;
    }
    QCOMPARE(ok, served);
}

QTEST_GUILESS_MAIN(TestTrustedProxies)
#include "TestTrustedProxies.moc"
