#include "Base64Url.h"

#include <QTest>

class TestBase64Url : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void rejects_data();
    void rejects();
};

void TestBase64Url::roundTrip_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("encoded");
    // RFC 4648 section 10 vectors, without padding, plus the URL-safe characters.
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("f") << QByteArray("f") << QByteArray("Zg");
    QTest::newRow("fo") << QByteArray("fo") << QByteArray("Zm8");
    QTest::newRow("foo") << QByteArray("foo") << QByteArray("Zm9v");
    QTest::newRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
    QTest::newRow("url-safe") << QByteArray("\xfb\xff\xbf", 3) << QByteArray("-_-_");
}

void TestBase64Url::roundTrip()
{
    QFETCH(QByteArray, raw);
    QFETCH(QByteArray, encoded);
    QCOMPARE(Base64Url::encode(raw), encoded);
    const auto decoded = Base64Url::decode(encoded);
    QVERIFY(decoded.has_value());
    QCOMPARE(*decoded, raw);
}

void TestBase64Url::rejects_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("padding") << QByteArray("Zg==");
    QTest::newRow("standard alphabet +") << QByteArray("+/+/");
    QTest::newRow("whitespace") << QByteArray("Zm9v Zg");
    QTest::newRow("impossible length") << QByteArray("Zm9vY");
    QTest::newRow("non-canonical trailing bits") << QByteArray("Zh");
    QTest::newRow("dot") << QByteArray("Zm9v.Zg");
}

void TestBase64Url::rejects()
{
    QFETCH(QByteArray, text);
    QVERIFY(!Base64Url::decode(text).has_value());
}

QTEST_GUILESS_MAIN(TestBase64Url)
#include "TestBase64Url.moc"
