// --with-reference-server: a real latchkey-server process, started and stopped.

#include "BundledServer.h"
#include "HttpRobot.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

class TestBundledServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void startsOnAFreeLoopbackPortAndStops();
    void missingBinaryIsExplained();
};

void TestBundledServer::startsOnAFreeLoopbackPortAndStops()
{
    QUrl issuer;
    {
        BundledServer server;
        QSignalSpy ready(&server, &BundledServer::ready);
        server.start(QStringLiteral(LATCHKEY_SERVER_BINARY));
        QVERIFY(ready.wait(BundledServer::StartTimeoutMs));
        issuer = QUrl(server.issuer());
        QCOMPARE(issuer.host(), QStringLiteral("127.0.0.1"));
        QVERIFY(issuer.port() > 0);
        HttpRobot http;
        QCOMPARE(http.get(QUrl(server.issuer() + "/.well-known/openid-configuration")).json().value("issuer").toString(),
                 server.issuer());
    }
    QTcpSocket socket; // gone with its owner
    socket.connectToHost(QHostAddress::LocalHost, quint16(issuer.port()));
    QVERIFY(!socket.waitForConnected(1000));
}

void TestBundledServer::missingBinaryIsExplained()
{
    BundledServer server;
    QSignalSpy failed(&server, &BundledServer::failed);
    server.start("/nonexistent/latchkey-server");
    QVERIFY(failed.wait(5000));
    QCOMPARE(server.error().code, ClientError::Code::BundledServerNotStarted);
    QVERIFY(!server.error().detail.isEmpty()); // the system's reason
    QCOMPARE(failed.constFirst().constFirst().value<ClientError>().code, ClientError::Code::BundledServerNotStarted);
}

QTEST_GUILESS_MAIN(TestBundledServer)
#include "TestBundledServer.moc"
