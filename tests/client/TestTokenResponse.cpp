// A token endpoint answer as the client reads it: expires_in always ends up
// within a sane range, whatever the server sent.

#include "TokenResponse.h"

#include <QJsonObject>
#include <QTest>

class TestTokenResponse : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void expiresIn_data();
    void expiresIn();
};

void TestTokenResponse::expiresIn_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<qint64>("expected");
    const qint64 fallback = TokenResponse::DefaultExpiresIn;
    QTest::newRow("900") << QJsonValue(900) << qint64(900);
    QTest::newRow("a day") << QJsonValue(86400) << qint64(86400);
    QTest::newRow("a year: a day") << QJsonValue(365 * 86400) << TokenResponse::MaxExpiresIn;
    QTest::newRow("1e300: a day") << QJsonValue(1e300) << TokenResponse::MaxExpiresIn;
    QTest::newRow("2^63: a day") << QJsonValue(9223372036854775807LL) << TokenResponse::MaxExpiresIn;
    QTest::newRow("half a second: one") << QJsonValue(0.5) << qint64(1);
    QTest::newRow("as a string") << QJsonValue("3600") << qint64(3600);
    QTest::newRow("missing") << QJsonValue(QJsonValue::Undefined) << fallback;
    QTest::newRow("null") << QJsonValue(QJsonValue::Null) << fallback;
    QTest::newRow("zero") << QJsonValue(0) << fallback;
    QTest::newRow("negative") << QJsonValue(-60) << fallback;
    QTest::newRow("-2^63") << QJsonValue(-9223372036854775807LL - 1) << fallback;
    QTest::newRow("-1e300") << QJsonValue(-1e300) << fallback;
    QTest::newRow("not a number") << QJsonValue("soon") << fallback;
    QTest::newRow("an object") << QJsonValue(QJsonObject{{"s", 60}}) << fallback;
}

void TestTokenResponse::expiresIn()
{
    QFETCH(QJsonValue, value);
    QFETCH(qint64, expected);
    QJsonObject json{{"token_type", "Bearer"}, {"access_token", "at"}, {"id_token", "it"}};
    if (!value.isUndefined())
        json.insert("expires_in", value);
    TokenResponse response;
    QString problem;
    QVERIFY2(TokenResponse::fromJson(json, &response, &problem), qPrintable(problem));
    QCOMPARE(response.expiresIn, expected);
}

QTEST_GUILESS_MAIN(TestTokenResponse)
#include "TestTokenResponse.moc"
