#include "Database.h"
#include "ResultAssert.h"
#include "SignInRobot.h"
#include "TestServer.h"

#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

// The server's connection to PostgreSQL ends under it (a database restart, a
// network fault): requests are answered 503 while it is gone, never with a
// verdict on the token, and the server connects again by itself.
class TestDatabaseConnection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void lostConnectionIsTemporary();
    void textWithNulIsRefusedNotSent();
};

void TestDatabaseConnection::init()
{
    QString why;
    if (!TestDatabase::isAvailable(QStringLiteral("postgresql"), &why)) {
        if (TestDatabase::isRequired())
            QFAIL(qPrintable(why));
        QSKIP(qPrintable(why));
    }
}

void TestDatabaseConnection::lostConnectionIsTemporary()
{
    TestServer server(qaServerConfig(), QStringLiteral("postgresql"));
    QVERIFY_OK(server.start());
    HttpRobot http;
    SignInRobot robot(server.issuer(), http);
    const AuthorizationRequest request = robot.newRequest();
    const QUrlQuery callback = robot.signInWithPersona(request, QStringLiteral("google"), QStringLiteral("returning"));
    const HttpResult tokens = robot.exchangeCode(request, callback.queryItemValue(QStringLiteral("code")));
    QCOMPARE(tokens.status, 200);
    const QString refreshToken = tokens.json().value(QLatin1String("refresh_token")).toString();
    QVERIFY(!refreshToken.isEmpty());

    QVERIFY(server.database().terminateConnections());
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("^lost the connection to postgresql://")));
    const HttpResult lost = robot.refresh(refreshToken);
    QCOMPARE(lost.status, 503);
    QCOMPARE(lost.json().value(QLatin1String("error")).toString(), QStringLiteral("temporarily_unavailable"));

    // The same token still works: nothing was rotated while the database was away.
    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("^connected to postgresql://.* again")));
    HttpResult back = robot.refresh(refreshToken);
    for (int attempt = 0; back.status == 503 && attempt < 20; ++attempt) {
        QTest::qWait(250); // the server tries again at most once a second
        back = robot.refresh(refreshToken);
    }
    QCOMPARE(back.status, 200);
    const QString next = back.json().value(QLatin1String("refresh_token")).toString();
    QVERIFY(!next.isEmpty());
    QCOMPARE(robot.refresh(next).status, 200); // the session goes on
}

// Hostile input may hold a NUL (a %00 in a state): PostgreSQL's text cannot,
// and Qt would send the value cut short inside the statement. Refused before
// anything is sent, the connection stays usable.
void TestDatabaseConnection::textWithNulIsRefusedNotSent()
{
    TestDatabase database(QStringLiteral("postgresql"));
    QVERIFY2(database.error().isEmpty(), qPrintable(database.error()));
    const auto url = DatabaseUrl::parse(database.url(), QString());
    QVERIFY_OK(url);
    Database db;
    QVERIFY_OK(db.connect(*url));
    QVERIFY_OK(db.migrate());
    const QString insert = QStringLiteral("INSERT INTO onboardings (jti, expires_at) VALUES (?, ?)");
    QTest::ignoreMessage(QtWarningMsg, "refused to store a text with a NUL character, which PostgreSQL cannot hold");
    QVERIFY(!db.exec(insert, {QVariant(QStringLiteral("before") + QChar(0) + QStringLiteral("after")), 1}));
    Transaction transaction(db);
    QVERIFY(db.exec(insert, {QVariant(QStringLiteral("clean")), 1}));
    QVERIFY(transaction.commit());
    QSqlQuery q(db.connection());
    QVERIFY(q.exec(QStringLiteral("SELECT string_agg(jti, ',') FROM onboardings")) && q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("clean"));
}

QTEST_GUILESS_MAIN(TestDatabaseConnection)
#include "TestDatabaseConnection.moc"
