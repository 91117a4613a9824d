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
    void lostConnectionIsTemporary();
};

void TestDatabaseConnection::lostConnectionIsTemporary()
{
    const QString backend = QStringLiteral("postgresql");
    QString why;
    if (!TestDatabase::isAvailable(backend, &why)) {
        if (TestDatabase::isRequired())
            QFAIL(qPrintable(why));
        QSKIP(qPrintable(why));
    }
    TestServer server(qaServerConfig(), backend);
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
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

QTEST_GUILESS_MAIN(TestDatabaseConnection)
#include "TestDatabaseConnection.moc"
