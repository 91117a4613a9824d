// latchkey-server as an operator runs it: a separate process, its options,
// its output, and a clean stop on SIGTERM.

#include "HttpRobot.h"
#include "Protocol.h"
#include "SignInRobot.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestServerCommandLine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpListsOptions();
    void badOptionsFailClearly_data();
    void badOptionsFailClearly();
    void servesLogsAndStopsCleanly();
    void seedCreatesAccounts();
    void invalidSeedIsRejected();
    void resetAsksFirst();
    void rotateKeysPublishesSecondKey();

private:
    // Starts the server; returns its issuer, or an empty string (and fails the test).
    QString start(QProcess &process, const QStringList &arguments);
    static QString binary() { return QStringLiteral(LATCHKEY_SERVER_BINARY); }
};

QString TestServerCommandLine::start(QProcess &process, const QStringList &arguments)
{
    process.start(binary(), QStringList{"--qa", "--listen", "127.0.0.1:0"} + arguments);
    QByteArray out;
    static const QRegularExpression issuerLine(QStringLiteral("^issuer: (\\S+)$"), QRegularExpression::MultilineOption);
    for (int i = 0; i < 100 && !issuerLine.match(QString::fromUtf8(out)).hasMatch(); ++i) {
        if (!process.waitForReadyRead(100) && process.state() == QProcess::NotRunning)
            break;
        out += process.readAllStandardOutput();
    }
    return issuerLine.match(QString::fromUtf8(out)).captured(1);
}

void TestServerCommandLine::helpListsOptions()
{
    QProcess process;
    process.start(binary(), {"--help"});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    const QByteArray help = process.readAllStandardOutput();
    for (const char *option : {"--listen", "--issuer", "--data-dir", "--seed", "--reset", "--yes", "--rotate-keys",
                               "--log-level", "--signing-alg", "--version"})
        QVERIFY2(help.contains(option), option);
}

void TestServerCommandLine::badOptionsFailClearly_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("listen without port") << QStringList{"--listen", "127.0.0.1"} << "--listen wants host:port";
    QTest::newRow("listen on a name") << QStringList{"--listen", "example.org:80"} << "--listen wants host:port";
    QTest::newRow("log level") << QStringList{"--log-level", "loud"} << "--log-level must be";
    QTest::newRow("algorithm") << QStringList{"--signing-alg", "HS256"} << "--signing-alg must be";
}

void TestServerCommandLine::badOptionsFailClearly()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QProcess process;
    process.start(binary(), arguments + QStringList{"--qa", "--data-dir", dir.path()});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 1);
    QVERIFY2(process.readAllStandardError().contains(message.toUtf8()), qPrintable(message));
}

void TestServerCommandLine::servesLogsAndStopsCleanly()
{
    QTemporaryDir dir;
    QProcess process;
    const QString issuer = start(process, {"--data-dir", dir.path()});
    QVERIFY(!issuer.isEmpty());

    HttpRobot http;
    SignInRobot robot(issuer, http);
    const HttpResult discovery = http.get(robot.url(QLatin1String(Protocol::DiscoveryPath)));
    QCOMPARE(discovery.json().value("issuer").toString(), issuer);
    // A whole sign-in, so the log has seen codes, tokens and a verifier go by.
    const AuthorizationRequest request = robot.newRequest();
    const QString code = robot.signInWithPersona(request, "github", "returning").queryItemValue("code");
    const QJsonObject tokens = robot.exchangeCode(request, code).json();
    const QString refresh = tokens.value("refresh_token").toString();
    QVERIFY(!refresh.isEmpty());
    QCOMPARE(robot.refresh(refresh).status, 200);

    process.terminate();
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    const QByteArray log = process.readAllStandardError();
    QVERIFY(log.contains("GET /.well-known/openid-configuration 200"));
    QVERIFY(log.contains("POST /token 200"));
    QVERIFY(log.contains("shutting down"));
    for (const QByteArray &secret : {code.toLatin1(), refresh.toLatin1(), request.verifier, request.state.toLatin1(),
                                     tokens.value("access_token").toString().toLatin1().left(40)})
        QVERIFY2(!log.contains(secret), "a secret reached the log");
}

void TestServerCommandLine::seedCreatesAccounts()
{
    QTemporaryDir dir;
    QFile seed(dir.filePath("seed.json"));
    QVERIFY(seed.open(QIODevice::WriteOnly));
    seed.write(R"({"accounts": [
        {"username": "zed", "name": "Zed Seeded", "email": "zed@example.org", "email_verified": true,
         "identities": [{"provider": "github", "provider_user_id": "zed-1"}]},
        {"username": "Bad Name", "identities": []}]})");
    seed.close();
    QProcess process;
    const QString issuer = start(process, {"--data-dir", dir.filePath("data"), "--seed", seed.fileName()});
    QVERIFY(!issuer.isEmpty());
    HttpRobot http;
    SignInRobot robot(issuer, http);
    const AuthorizationRequest request = robot.newRequest();
    const QString code = robot.signInAs(request, "github", "zed-1", {}, false, {}).queryItemValue("code");
    const QJsonObject tokens = robot.exchangeCode(request, code).json();
    QCOMPARE(tokens.value("token_type").toString(), QStringLiteral("Bearer"));
    process.terminate();
    QVERIFY(process.waitForFinished(10000));
    const QByteArray log = process.readAllStandardError();
    QVERIFY2(log.contains("1 accounts created, 1 identities linked"), log.constData());
    QVERIFY(log.contains("\"Bad Name\" skipped"));
}

void TestServerCommandLine::invalidSeedIsRejected()
{
    QTemporaryDir dir;
    QFile seed(dir.filePath("seed.json"));
    QVERIFY(seed.open(QIODevice::WriteOnly));
    seed.write("{\"accounts\": [");
    seed.close();
    QProcess process;
    process.start(binary(), {"--qa", "--listen", "127.0.0.1:0", "--data-dir", dir.filePath("data"), "--seed", seed.fileName()});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 1);
    QVERIFY(process.readAllStandardError().contains("not valid JSON"));
}

void TestServerCommandLine::resetAsksFirst()
{
    QTemporaryDir dir;
    const QString data = dir.filePath("data");
    QString firstKeys;
    {
        QProcess process;
        QVERIFY(!start(process, {"--data-dir", data}).isEmpty());
        process.terminate();
        QVERIFY(process.waitForFinished(10000));
        QFile keys(data + "/signing-keys.json");
        QVERIFY(keys.open(QIODevice::ReadOnly));
        firstKeys = QString::fromLatin1(keys.readAll());
    }
    QProcess declined;
    declined.start(binary(), {"--listen", "127.0.0.1:0", "--data-dir", data, "--reset"});
    declined.write("no\n");
    declined.closeWriteChannel();
    QVERIFY(declined.waitForFinished(10000));
    QCOMPARE(declined.exitCode(), 1);
    QVERIFY(declined.readAllStandardError().contains("nothing was deleted"));
    QVERIFY(QFile::exists(data + "/signing-keys.json"));

    QProcess confirmed;
    QVERIFY(!start(confirmed, {"--data-dir", data, "--reset", "--yes"}).isEmpty());
    confirmed.terminate();
    QVERIFY(confirmed.waitForFinished(10000));
    QFile keys(data + "/signing-keys.json");
    QVERIFY(keys.open(QIODevice::ReadOnly));
    QVERIFY(QString::fromLatin1(keys.readAll()) != firstKeys);
}

void TestServerCommandLine::rotateKeysPublishesSecondKey()
{
    QTemporaryDir dir;
    QProcess process;
    const QString issuer = start(process, {"--data-dir", dir.path(), "--rotate-keys"});
    QVERIFY(!issuer.isEmpty());
    HttpRobot http;
    const HttpResult jwks = http.get(QUrl(issuer + "/jwks.json"));
    QCOMPARE(jwks.json().value("keys").toArray().size(), 2);
    process.terminate();
    QVERIFY(process.waitForFinished(10000));
}

QTEST_GUILESS_MAIN(TestServerCommandLine)
#include "TestServerCommandLine.moc"
