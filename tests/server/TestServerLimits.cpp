// --limit name=N (ServerLimits): each name sets its own field of
// ServerConfig, in the field's unit, and only within the name's range.
// Whether the running server obeys is TestConnectionGuard's; the messages
// an operator reads, TestServerCommandLine's.

#include "ServerConfig.h"
#include "ServerLimits.h"

#include <QTest>

class TestServerLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void eachNameSetsItsField_data();
    void eachNameSetsItsField();
    void rangeEnds_data();
    void rangeEnds();

private:
    // Every field --limit sets, in ServerLimits' order.
    static QList<qint64> fields(const ServerConfig &config);
};

QList<qint64> TestServerLimits::fields(const ServerConfig &config)
{
    const ConnectionGuard::Limits &c = config.connectionLimits;
    return {c.maxPerAddress,          c.maxConnections, config.pendingSignInsPerAddress,
            config.pendingSignIns,    c.maxHeaderBytes, c.maxBodyBytes,
            c.headerTimeoutMs,        c.bodyTimeoutMs,  c.idleTimeoutMs,
            config.upstreamDeadlineMs};
}

void TestServerLimits::eachNameSetsItsField_data()
{
    QTest::addColumn<QString>("limit");
    QTest::addColumn<int>("field"); // index into fields()
    QTest::addColumn<qint64>("value");
    QTest::newRow("connections-per-address") << "connections-per-address=7" << 0 << qint64(7);
    QTest::newRow("connections") << "connections=9" << 1 << qint64(9);
    QTest::newRow("pending-per-address") << "pending-per-address=4" << 2 << qint64(4);
    QTest::newRow("pending") << "pending=20000" << 3 << qint64(20000);
    QTest::newRow("header-bytes") << "header-bytes=8192" << 4 << qint64(8192);
    QTest::newRow("body-bytes") << "body-bytes=1048576" << 5 << qint64(1048576);
    QTest::newRow("header-timeout, seconds to ms") << "header-timeout=3" << 6 << qint64(3000);
    QTest::newRow("body-timeout, seconds to ms") << "body-timeout=45" << 7 << qint64(45000);
    QTest::newRow("idle-timeout, seconds to ms") << "idle-timeout=2" << 8 << qint64(2000);
    QTest::newRow("upstream-timeout, seconds to ms") << "upstream-timeout=20" << 9 << qint64(20000);
}

void TestServerLimits::eachNameSetsItsField()
{
    QFETCH(QString, limit);
    QFETCH(int, field);
    QFETCH(qint64, value);
    ServerConfig config;
    QList<qint64> expected = fields(config);
    QVERIFY2(expected.at(field) != value, "the row must change the default");
    expected[field] = value;
    const auto applied = ServerLimits::apply(limit, config);
    QVERIFY2(applied, qPrintable(applied ? QString() : applied.error().description));
    QCOMPARE(fields(config), expected);
}

void TestServerLimits::rangeEnds_data()
{
    QTest::addColumn<QString>("limit");
    QTest::addColumn<bool>("accepted");
    const QList<std::tuple<const char *, int, int>> ranges{{"connections-per-address", 1, 100000},
                                                           {"connections", 1, 100000},
                                                           {"pending-per-address", 1, 1000000},
                                                           {"pending", 1, 1000000},
                                                           {"header-bytes", 1024, 65536},
                                                           {"body-bytes", 1024, 16777216},
                                                           {"header-timeout", 1, 3600},
                                                           {"body-timeout", 1, 3600},
                                                           {"idle-timeout", 1, 3600},
                                                           {"upstream-timeout", 1, 3600}};
    for (const auto &[name, min, max] : ranges) {
        const QString n = QString::fromLatin1(name);
        QTest::addRow("%s at its minimum", name) << n + "=" + QString::number(min) << true;
        QTest::addRow("%s at its maximum", name) << n + "=" + QString::number(max) << true;
        QTest::addRow("%s below", name) << n + "=" + QString::number(min - 1) << false;
        QTest::addRow("%s above", name) << n + "=" + QString::number(max + 1) << false;
    }
}

void TestServerLimits::rangeEnds()
{
    QFETCH(QString, limit);
    QFETCH(bool, accepted);
    ServerConfig config;
    const ServerConfig before = config;
    const auto applied = ServerLimits::apply(limit, config);
    QCOMPARE(applied.ok(), accepted);
    if (!accepted)
        QCOMPARE(fields(config), fields(before)); // a refused limit changes nothing
}

QTEST_GUILESS_MAIN(TestServerLimits)
#include "TestServerLimits.moc"
