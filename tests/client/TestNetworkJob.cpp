// Every network job reads at most NetworkJob::MaxBodyBytes of an answer: a
// larger one, announced or not, ends the job with a clear error instead of
// filling the memory.

#include "DiscoveryJob.h"
#include "NetworkJob.h"
#include "Protocol.h"

#include <QHttpServer>
#include <QHttpServerResponse>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

class TestNetworkJob : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void bodyCap_data();
    void bodyCap();

private:
    // A discovery document of exactly `size` bytes.
    QByteArray documentOfSize(qint64 size) const;

    QHttpServer m_server;
    QString m_issuer;
    qint64 m_size = 0;
};

void TestNetworkJob::initTestCase()
{
    auto *tcp = new QTcpServer(this);
    QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
    m_server.bind(tcp);
    m_issuer = QStringLiteral("http://127.0.0.1:%1").arg(tcp->serverPort());
    m_server.route(Protocol::DiscoveryPath, QHttpServerRequest::Method::Get,
                   [this] { return QHttpServerResponse("application/json", documentOfSize(m_size)); });
}

QByteArray TestNetworkJob::documentOfSize(qint64 size) const
{
    const QByteArray head = QStringLiteral("{\"issuer\":\"%1\",\"authorization_endpoint\":\"%1/a\","
                                           "\"token_endpoint\":\"%1/t\",\"jwks_uri\":\"%1/j\",\"padding\":\"")
                                .arg(m_issuer)
                                .toUtf8();
    const QByteArray tail = "\"}";
    return head + QByteArray(size - head.size() - tail.size(), 'x') + tail;
}

void TestNetworkJob::bodyCap_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("a small document") << qint64(4096) << true;
    QTest::newRow("exactly 1 MiB") << NetworkJob::MaxBodyBytes << true;
    QTest::newRow("1 MiB and one byte") << NetworkJob::MaxBodyBytes + 1 << false;
    QTest::newRow("64 MiB") << qint64(64) * 1024 * 1024 << false;
}

void TestNetworkJob::bodyCap()
{
    QFETCH(qint64, size);
    QFETCH(bool, accepted);
    m_size = size;
    QNetworkAccessManager network;
    DiscoveryJob job(&network, m_issuer);
    QSignalSpy finished(&job, &NetworkJob::finished);
    job.start();
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(job.error().ok(), accepted);
    if (accepted) {
        QCOMPARE(job.metadata().issuer, m_issuer);
    } else {
        QCOMPARE(job.error().code, ClientError::Code::ResponseTooLarge);
        QCOMPARE(job.error().host, QStringLiteral("127.0.0.1"));
    }
    QTest::qWait(50);
    QCOMPARE(finished.size(), 1); // exactly once, also when cut off
}

QTEST_GUILESS_MAIN(TestNetworkJob)
#include "TestNetworkJob.moc"
