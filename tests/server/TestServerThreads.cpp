// latchkey-server's worker threads (--threads): the connections are dealt
// to the least busy worker, and what must count for the whole server (the
// connection and rate limits) does, whichever worker a request reaches.

#include "ResultAssert.h"
#include "TestServer.h"

#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

class TestServerThreads : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void threadCount_data();
    void threadCount();
    void keptAliveConnectionsSpreadOverWorkers();
    void limitsCountForTheWholeServer();

private:
    // A kept-alive connection that got its answer to GET /healthz.
    static std::unique_ptr<QTcpSocket> healthyConnection(quint16 port, const QHostAddress &from = {});
};

std::unique_ptr<QTcpSocket> TestServerThreads::healthyConnection(quint16 port, const QHostAddress &from)
{
    auto socket = std::make_unique<QTcpSocket>();
    if (!from.isNull())
        socket->bind(from);
    socket->connectToHost(QHostAddress::LocalHost, port);
    if (!socket->waitForConnected(3000))
        return nullptr;
    socket->write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray answer;
    while (!answer.contains("\r\n\r\n") && socket->waitForReadyRead(3000))
        answer += socket->readAll();
    return answer.startsWith("HTTP/1.1 200") ? std::move(socket) : nullptr;
}

void TestServerThreads::threadCount_data()
{
    QTest::addColumn<int>("configured");
    QTest::addColumn<int>("expected");
    QTest::newRow("default: one per core") << 0 << std::max(1, QThread::idealThreadCount());
    QTest::newRow("one") << 1 << 1;
    QTest::newRow("more than cores") << 5 << 5;
}

void TestServerThreads::threadCount()
{
    QFETCH(int, configured);
    QFETCH(int, expected);
    ServerConfig config = qaServerConfig();
    config.threads = configured;
    TestServer server(config);
    QVERIFY_OK(server.start());
    QCOMPARE(server.server().threadCount(), expected);
    QCOMPARE(server.server().workerLoads().size(), expected);
}

// Found by the token benchmark: workers that accepted from the shared socket
// themselves took whatever arrived while they were awake, so an instance's
// 16 connections opened at once (a proxy's kept-alive pool) could all stay
// on one thread while the others idled.
void TestServerThreads::keptAliveConnectionsSpreadOverWorkers()
{
    ServerConfig config = qaServerConfig();
    config.threads = 4;
    TestServer server(config);
    QVERIFY_OK(server.start());
    std::vector<std::unique_ptr<QTcpSocket>> held;
    for (int i = 0; i < 16; ++i) {
        held.push_back(healthyConnection(server.server().port()));
        QVERIFY(held.back());
    }
    QCOMPARE(server.server().workerLoads(), QList<int>({4, 4, 4, 4}));
    held.clear();
    QTRY_COMPARE_WITH_TIMEOUT(server.server().workerLoads(), QList<int>({0, 0, 0, 0}), 3000);
}

void TestServerThreads::limitsCountForTheWholeServer()
{
    ServerConfig config = qaServerConfig();
    config.threads = 4;
    config.connectionLimits.maxPerAddress = 6;
    config.authorizePerAddressPerMinute = 3;
    TestServer server(config);
    QVERIFY_OK(server.start());
    const QHostAddress from(QStringLiteral("127.0.0.2"));
    // Six connections over four workers: the seventh is one too many for the address.
    std::vector<std::unique_ptr<QTcpSocket>> held;
    for (int i = 0; i < 6; ++i) {
        held.push_back(healthyConnection(server.server().port(), from));
        QVERIFY(held.back());
    }
    QVERIFY(!healthyConnection(server.server().port(), from));
    held.clear();
    // Three /authorize per minute, each on a new connection, so on another worker.
    QList<int> statuses;
    for (int i = 0; i < 4; ++i) {
        QTcpSocket socket;
        socket.bind(from);
        socket.connectToHost(QHostAddress::LocalHost, server.server().port());
        QVERIFY(socket.waitForConnected(3000));
        socket.write("GET /authorize HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        QByteArray answer;
        while (!answer.contains("\r\n") && socket.waitForReadyRead(3000))
            answer += socket.readAll();
        statuses.append(answer.mid(9, 3).toInt());
    }
    QCOMPARE(statuses.last(), 429);
    QVERIFY2(!statuses.first(3).contains(429), qPrintable(QString::number(statuses.first(3).count(429))));
}

QTEST_GUILESS_MAIN(TestServerThreads)
#include "TestServerThreads.moc"
