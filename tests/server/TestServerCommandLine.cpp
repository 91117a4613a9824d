// latchkey-server as an operator runs it: a separate process, its options,
// its output, and a clean stop on SIGTERM.

#include "Database.h"
#include "DatabaseUrl.h"
#include "HttpRobot.h"
#include "Jwk.h"
#include "Protocol.h"
#include "SignInRobot.h"
#include "TestDatabase.h"

#include <QDateTime>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

class TestServerCommandLine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpListsOptions();
    void badOptionsFailClearly_data();
    void badOptionsFailClearly();
    void limitsReachTheServer();
    void servesLogsAndStopsCleanly();
    void dataFilesArePrivate();
    void seedCreatesAccounts();
    void invalidSeedIsRejected();
    void resetAsksFirst();
    void rotateKeysPublishesSecondKey();
    void refusesToStart_data();
    void refusesToStart();
    void printsRedirectUris();
    void withoutQaOnlyConfiguredProviders();
    void keyFileProblemsStopTheStart_data();
    void keyFileProblemsStopTheStart();
    void keysOfAnEarlierVersionMoveIntoTheDatabase();
    void wrongKeyFileWritesNothing_data();
    void wrongKeyFileWritesNothing();

private:
    // Starts the server (in QA mode unless `qa` is false); returns its issuer,
    // or an empty string (and fails the test).
    QString start(QProcess &process, const QStringList &arguments, bool qa = true);
    static QString binary() { return QStringLiteral(LATCHKEY_SERVER_BINARY); }
    // The environment the server gets: the secret of provider "corp", no other provider secret.
    static QProcessEnvironment serverEnvironment();
    static QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content,
                             QFile::Permissions permissions = QFile::ReadOwner | QFile::WriteOwner);
    static quint16 closedPort();
    // The kids of the signing keys stored in a database, sorted; empty when it cannot be read.
    static QStringList storedKids(const QString &database, const QString &dataDir);
    static QStringList publishedKids(const QString &issuer);
};

QProcessEnvironment TestServerCommandLine::serverEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &name : environment.keys()) {
        if (name.startsWith(QLatin1String("LATCHKEY_PROVIDER_")))
            environment.remove(name);
    }
    environment.insert("LATCHKEY_PROVIDER_CORP_SECRET", "corp-secret");
    return environment;
}

QString TestServerCommandLine::writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content,
                                         QFile::Permissions permissions)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    file.close();
    file.setPermissions(permissions);
    return file.fileName();
}

quint16 TestServerCommandLine::closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

QString TestServerCommandLine::start(QProcess &process, const QStringList &arguments, bool qa)
{
    process.setProcessEnvironment(serverEnvironment());
    process.start(binary(),
                  (qa ? QStringList{"--qa"} : QStringList{}) + QStringList{"--listen", "127.0.0.1:0"} + arguments);
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
                               "--log-level", "--signing-alg", "--version", "--providers", "--print-redirect-uris",
                               "--qa", "--rate-limit", "--limit", "--trusted-proxy", "--threads", "--metrics-listen"})
        QVERIFY2(help.contains(option), option);
    // Every --limit name with its default, read from ServerConfig (help wraps lines, so spaces vary).
    const QString words = QString::fromUtf8(help).simplified();
    for (const char *limit : {"connections-per-address (32 connections)", "connections (512 connections)",
                              "pending-per-address (50 sign-ins)", "pending (10000 sign-ins)",
                              "header-bytes (16384 bytes)", "body-bytes (65536 bytes)", "header-timeout (10 seconds)",
                              "body-timeout (30 seconds)", "idle-timeout (15 seconds)", "upstream-timeout (10 seconds)"})
        QVERIFY2(words.contains(QLatin1String(limit)), limit);
}

void TestServerCommandLine::badOptionsFailClearly_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("listen without port") << QStringList{"--listen", "127.0.0.1"} << "--listen wants host:port";
    QTest::newRow("listen on a name") << QStringList{"--listen", "example.org:80"} << "--listen wants host:port";
    QTest::newRow("metrics without port")
        << QStringList{"--metrics-listen", "127.0.0.1"} << "--metrics-listen wants host:port";
    QTest::newRow("log level") << QStringList{"--log-level", "loud"} << "--log-level must be";
    QTest::newRow("algorithm") << QStringList{"--signing-alg", "HS256"} << "--signing-alg must be";
    QTest::newRow("rate limit name") << QStringList{"--rate-limit", "tokens=5"} << "--rate-limit wants";
    QTest::newRow("rate limit value") << QStringList{"--rate-limit", "token=0"} << "--rate-limit wants";
    const QString names = "the limits are connections-per-address, connections, pending-per-address, pending, "
                          "header-bytes, body-bytes, header-timeout, body-timeout, idle-timeout, upstream-timeout";
    QTest::newRow("limit name unknown") << QStringList{"--limit", "conections=5"}
                                        << "--limit: no limit is called \"conections\"; " + names;
    QTest::newRow("limit name of a rate")
        << QStringList{"--limit", "token=5"} << "--limit: no limit is called \"token\"; " + names;
    QTest::newRow("limit without =") << QStringList{"--limit", "connections"}
                                     << "--limit wants name=N, e.g. connections=512, not \"connections\"";
    QTest::newRow("limit not a number")
        << QStringList{"--limit", "body-bytes=64k"}
        << "--limit body-bytes wants a whole number of bytes from 1024 to 16777216, not \"64k\"";
    QTest::newRow("limit empty number")
        << QStringList{"--limit", "pending="}
        << "--limit pending wants a whole number of sign-ins from 1 to 1000000, not \"\"";
    QTest::newRow("limit below its range")
        << QStringList{"--limit", "header-bytes=1023"}
        << "--limit header-bytes wants a whole number of bytes from 1024 to 65536, not \"1023\"";
    QTest::newRow("limit above its range")
        << QStringList{"--limit", "idle-timeout=3601"}
        << "--limit idle-timeout wants a whole number of seconds from 1 to 3600, not \"3601\"";
    QTest::newRow("limit zero") << QStringList{"--limit", "connections-per-address=0"}
                                << "--limit connections-per-address wants a whole number of connections from 1 to "
                                   "100000, not \"0\"";
    QTest::newRow("limit negative") << QStringList{"--limit", "upstream-timeout=-5"}
                                    << "--limit upstream-timeout wants a whole number of seconds from 1 to 3600, not "
                                       "\"-5\"";
    QTest::newRow("second --limit bad") << QStringList{"--limit", "pending=20", "--limit", "pending-per-address=x"}
                                        << "--limit pending-per-address wants a whole number of sign-ins from 1 to "
                                           "1000000, not \"x\"";
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

// --limit, repeated, reaches the guard of the running server: the answers
// name the configured sizes.
void TestServerCommandLine::limitsReachTheServer()
{
    QTemporaryDir dir;
    QProcess process;
    const QString issuer = start(process,
                                 {"--data-dir", dir.path(), "--limit", "header-bytes=2048", "--limit",
                                  "body-bytes=3000"});
    QVERIFY(!issuer.isEmpty());
    const auto answer = [&issuer](const QByteArray &request) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, QUrl(issuer).port());
        socket.waitForConnected(3000);
        socket.write(request);
        QByteArray received;
        while (!received.contains("\"}") && socket.waitForReadyRead(3000))
            received += socket.readAll();
        return received;
    };
    const QByteArray big = answer("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(2100, 'a') + "\r\n\r\n");
    QVERIFY2(big.startsWith("HTTP/1.1 431 "), big.constData());
    QVERIFY2(big.contains("larger than 2 KiB."), big.constData());
    const QByteArray body = answer("POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: 3001\r\n\r\n");
    QVERIFY2(body.startsWith("HTTP/1.1 413 "), body.constData());
    QVERIFY2(body.contains("The request body is larger than 3000 bytes."), body.constData());
    process.terminate();
    QVERIFY(process.waitForFinished(10000));
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

void TestServerCommandLine::dataFilesArePrivate()
{
    // The umask most shells start with: without its own, the server would create 0644 files.
    const mode_t inherited = ::umask(022);
    QTemporaryDir dir;
    const QString data = dir.filePath("data");
    QProcess process;
    const QString issuer = start(process, {"--data-dir", data});
    ::umask(inherited);
    QVERIFY(!issuer.isEmpty());
    HttpRobot http;
    SignInRobot robot(issuer, http);
    // Accounts, codes and refresh hashes written, so the database and its WAL exist.
    const AuthorizationRequest request = robot.newRequest();
    const QString token = robot.onboardingTokenFor(request, "github", "gh-private");
    QCOMPARE(robot.onboard(token, request.verifier, "private.files", "k").status, 201);

    QStringList checked;
    QDirIterator it(data, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    QList<QString> paths{data};
    while (it.hasNext())
        paths.append(it.next());
    for (const QString &path : paths) {
        struct stat info
        {
        };
        QVERIFY2(::stat(QFile::encodeName(path).constData(), &info) == 0, qPrintable(path));
        QVERIFY2((info.st_mode & 077) == 0,
                 qPrintable(QStringLiteral("%1 has mode %2").arg(path).arg(info.st_mode & 0777, 4, 8, QLatin1Char('0'))));
        checked.append(QFileInfo(path).fileName());
    }
    QVERIFY2(checked.contains("key-encryption.key") && checked.contains("latchkey.sqlite"),
             qPrintable(checked.join(u' ')));
    process.terminate();
    QVERIFY(process.waitForFinished(10000));
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
    process.start(binary(),
                  {"--qa", "--listen", "127.0.0.1:0", "--data-dir", dir.filePath("data"), "--seed", seed.fileName()});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 1);
    QVERIFY(process.readAllStandardError().contains("not valid JSON"));
}

void TestServerCommandLine::resetAsksFirst()
{
    QTemporaryDir dir;
    const QString data = dir.filePath("data");
    HttpRobot http;
    QByteArray firstKeys;
    {
        QProcess process;
        const QString issuer = start(process, {"--data-dir", data});
        QVERIFY(!issuer.isEmpty());
        firstKeys = http.get(QUrl(issuer + "/jwks.json")).body;
        QVERIFY(firstKeys.contains("\"kid\""));
        process.terminate();
        QVERIFY(process.waitForFinished(10000));
    }
    QProcess declined;
    declined.start(binary(), {"--listen", "127.0.0.1:0", "--data-dir", data, "--reset"});
    declined.write("no\n");
    declined.closeWriteChannel();
    QVERIFY(declined.waitForFinished(10000));
    QCOMPARE(declined.exitCode(), 1);
    QVERIFY(declined.readAllStandardError().contains("nothing was deleted"));
    QVERIFY(QFile::exists(data + "/latchkey.sqlite"));
    QVERIFY(QFile::exists(data + "/key-encryption.key"));

    QProcess confirmed;
    const QString issuer = start(confirmed, {"--data-dir", data, "--reset", "--yes"});
    QVERIFY(!issuer.isEmpty());
    const QByteArray newKeys = http.get(QUrl(issuer + "/jwks.json")).body;
    confirmed.terminate();
    QVERIFY(confirmed.waitForFinished(10000));
    QVERIFY(newKeys.contains("\"kid\""));
    QVERIFY(newKeys != firstKeys);
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

// A real provider entry for the files below; `extra` adds or replaces fields.
static QByteArray corpProvider(const QByteArray &extra = {})
{
    return R"({"id": "corp", "name": "Corp SSO", "type": "oidc", "issuer": "https://sso.example.org",
              "client_id": "latchkey")"
        + (extra.isEmpty() ? QByteArray() : ", " + extra) + "}";
}

static QByteArray providersFile(const QList<QByteArray> &entries)
{
    QByteArray json = R"({"providers": [)";
    for (qsizetype i = 0; i < entries.size(); ++i)
        json += (i ? ", " : "") + entries.at(i);
    return json + "]}";
}

void TestServerCommandLine::refusesToStart_data()
{
    // `providers`: the providers file (none when empty); "SECRET" in it
    // becomes the path of a secret file with mode `secretMode` (none when 0).
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("providers");
    QTest::addColumn<int>("secretMode");
    QTest::addColumn<QStringList>("messages");
    const QStringList loopback{"--listen", "127.0.0.1:0"};
    QTest::newRow("no providers and no --qa")
        << loopback << QByteArray() << 0 << QStringList{"no upstream providers", "--providers", "--qa"};
    QTest::newRow("--qa beyond loopback") << QStringList{"--qa", "--listen", "0.0.0.0:0"} << QByteArray() << 0
                                          << QStringList{"--qa refuses to listen on 0.0.0.0", "loopback"};
    QTest::newRow("--qa with a public issuer")
        << QStringList{"--qa", "--listen", "127.0.0.1:0", "--issuer", "https://login.example.org"} << QByteArray() << 0
        << QStringList{"--qa refuses the issuer https://login.example.org", "loopback"};
    QTest::newRow("unknown type") << loopback << providersFile({corpProvider(R"("type": "saml")")}) << 0
                                  << QStringList{"provider \"corp\"", "field \"type\"", "\"saml\" is not a type"};
    QTest::newRow("unknown key") << loopback << providersFile({corpProvider(R"("tenant": "acme")")}) << 0
                                 << QStringList{"provider \"corp\"", "field \"tenant\"", "is not a known setting"};
    QTest::newRow("missing client_id")
        << loopback
        << providersFile({R"({"id": "corp", "name": "Corp SSO", "type": "oidc", "issuer": "https://sso.example.org"})"})
        << 0 << QStringList{"provider \"corp\"", "field \"client_id\"", "is missing"};
    QTest::newRow("duplicate id") << loopback << providersFile({corpProvider(), corpProvider()}) << 0
                                  << QStringList{"provider \"corp\"", "field \"id\"",
                                                 "another provider already has this id"};
    QTest::newRow("client_secret in the file")
        << loopback << providersFile({corpProvider(R"("client_secret": "hunter2")")}) << 0
        << QStringList{"provider \"corp\"", "field \"client_secret\"", "client_secret_file",
                       "LATCHKEY_PROVIDER_CORP_SECRET"};
    QTest::newRow("secret file readable by others")
        << loopback << providersFile({corpProvider(R"("client_secret_file": "SECRET")")}) << 0644
        << QStringList{"provider \"corp\"", "field \"client_secret_file\"", "readable by other users", "chmod 600"};
    QTest::newRow("secret file missing") << loopback
                                         << providersFile({corpProvider(R"("client_secret_file": "SECRET.missing")")})
                                         << 0600
                                         << QStringList{"provider \"corp\"", "field \"client_secret_file\"",
                                                        "cannot be read"};
    QTest::newRow("no secret anywhere")
        << loopback << providersFile({corpProvider(), corpProvider().replace("\"corp\"", "\"other-idp\"")}) << 0
        << QStringList{"provider \"other-idp\"", "field \"client_secret_file\"", "LATCHKEY_PROVIDER_OTHER_IDP_SECRET"};
    QTest::newRow("http issuer off loopback")
        << loopback << providersFile({corpProvider(R"("issuer": "http://example.org")")}) << 0
        << QStringList{"provider \"corp\"", "field \"issuer\"", "must be https"};
    QTest::newRow("oauth2 without claims")
        << loopback << providersFile({R"({"id": "corp", "name": "Corp", "type": "oauth2", "client_id": "x",
                              "authorization_endpoint": "https://corp.example/authorize",
                              "token_endpoint": "https://corp.example/token",
                              "userinfo_endpoint": "https://corp.example/user"})"})
        << 0 << QStringList{"provider \"corp\"", "field \"claims\"", "provider_user_id"};
    QTest::newRow("invalid JSON") << loopback << QByteArray(R"({"providers": [)") << 0
                                  << QStringList{"providers file", "not valid JSON"};
    const QStringList qa{"--qa", "--listen", "127.0.0.1:0"};
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: it cannot be bound.
    QTest::newRow("metrics address not bindable")
        << qa + QStringList{"--metrics-listen", "192.0.2.1:9465"} << QByteArray() << 0
        << QStringList{"--metrics-listen: cannot listen on 192.0.2.1:9465"};
    QTest::newRow("unknown database scheme")
        << qa + QStringList{"--database", "mysql://latchkey@127.0.0.1/latchkey"} << QByteArray() << 0
        << QStringList{"--database wants sqlite:", "postgresql://user@host:port/dbname"};
    QTest::newRow("password in the database URL")
        << qa + QStringList{"--database", "postgresql://latchkey:hunter2@127.0.0.1:1/latchkey"} << QByteArray() << 0
        << QStringList{"a password in the URL", "PGPASSFILE", "LATCHKEY_DATABASE_PASSWORD"};
    QTest::newRow("--reset of a PostgreSQL database")
        << qa + QStringList{"--reset", "--yes", "--database", "postgresql://latchkey@127.0.0.1:1/latchkey"}
        << QByteArray() << 0
        << QStringList{"--reset deletes the data directory, not a PostgreSQL database", "nothing was deleted", "dropdb"};
    // Nothing listens on port 1; LATCHKEY_DATABASE_PASSWORD (hunter2) must not reach the message.
    QTest::newRow("unreachable database")
        << qa + QStringList{"--database", "postgresql://latchkey@127.0.0.1:1/latchkey"} << QByteArray() << 0
        << QStringList{"cannot open the database postgresql://latchkey@127.0.0.1:1/latchkey", "refused"};
}

void TestServerCommandLine::refusesToStart()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, providers);
    QFETCH(int, secretMode);
    QFETCH(QStringList, messages);
    QTemporaryDir dir;
    if (secretMode) {
        const QString secret = writeFile(dir, "corp.secret", "s3cret\n");
        QCOMPARE(::chmod(QFile::encodeName(secret).constData(), mode_t(secretMode)), 0);
    }
    if (!providers.isEmpty())
        arguments << "--providers"
                  << writeFile(dir, "providers.json", providers.replace("SECRET", dir.filePath("corp.secret").toUtf8()));
    QProcess process;
    QProcessEnvironment environment = serverEnvironment();
    environment.insert("LATCHKEY_DATABASE_PASSWORD", "hunter2");
    process.setProcessEnvironment(environment);
    process.start(binary(), arguments + QStringList{"--data-dir", dir.filePath("data")});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 1);
    QVERIFY(process.readAllStandardOutput().isEmpty()); // never "ready"
    const QByteArray error = process.readAllStandardError();
    for (const QString &message : messages)
        QVERIFY2(error.contains(message.toUtf8()), qPrintable(message + "\nnot in: " + QString::fromUtf8(error)));
    QVERIFY2(!error.contains("hunter2"), "a secret reached the output");
}

void TestServerCommandLine::printsRedirectUris()
{
    QTemporaryDir dir;
    const QString providers
        = writeFile(dir, "providers.json",
                    providersFile(
                        {corpProvider(), R"({"id": "git-hub", "name": "GitHub", "type": "oauth2", "client_id": "Iv1.x",
                                          "authorization_endpoint": "https://github.com/login/oauth/authorize",
                                          "token_endpoint": "https://github.com/login/oauth/access_token",
                                          "userinfo_endpoint": "https://api.github.com/user",
                                          "claims": {"provider_user_id": "id"}})"}));
    QProcessEnvironment environment = serverEnvironment();
    environment.insert("LATCHKEY_PROVIDER_GIT_HUB_SECRET", "gh-secret");

    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(binary(),
                  {"--providers", providers, "--issuer", "https://login.example.org/", "--print-redirect-uris",
                   "--data-dir", dir.filePath("data")});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput(),
             QByteArray("corp https://login.example.org/upstream/corp/callback\n"
                        "git-hub https://login.example.org/upstream/git-hub/callback\n"));
    QVERIFY2(!QFile::exists(dir.filePath("data")), "printing the redirect URIs touched the data directory");

    // Without --issuer the issuer follows --listen, as at start.
    QProcess byListen;
    byListen.setProcessEnvironment(environment);
    byListen.start(binary(), {"--providers", providers, "--listen", "127.0.0.1:9123", "--print-redirect-uris"});
    QVERIFY(byListen.waitForFinished(10000));
    QCOMPARE(byListen.exitCode(), 0);
    QCOMPARE(byListen.readAllStandardOutput().split('\n').first(),
             QByteArray("corp http://127.0.0.1:9123/upstream/corp/callback"));

    // No secret yet (GitHub asks for the callback URL before it issues one): still printed.
    QProcess withoutSecret;
    withoutSecret.setProcessEnvironment(serverEnvironment());
    withoutSecret.start(binary(), {"--providers", providers, "--listen", "127.0.0.1:9123", "--print-redirect-uris"});
    QVERIFY(withoutSecret.waitForFinished(10000));
    QCOMPARE(withoutSecret.exitCode(), 0);
    QCOMPARE(withoutSecret.readAllStandardOutput().split('\n').size(), 3);

    QProcess withoutFile;
    withoutFile.start(binary(), {"--print-redirect-uris"});
    QVERIFY(withoutFile.waitForFinished(10000));
    QCOMPARE(withoutFile.exitCode(), 1);
    QVERIFY(withoutFile.readAllStandardError().contains("--print-redirect-uris needs --providers FILE"));
}

void TestServerCommandLine::withoutQaOnlyConfiguredProviders()
{
    // Both providers point at a port where nothing listens: discovery failing
    // at start is only a warning, the server starts anyway.
    const quint16 port = closedPort();
    QVERIFY(port != 0);
    const QByteArray dead = "http://127.0.0.1:" + QByteArray::number(port);
    QTemporaryDir dir;
    const QString providers
        = writeFile(dir, "providers.json",
                    providersFile({corpProvider(R"("issuer": ")" + dead + "\""),
                                   R"({"id": "forge", "name": "Forge", "type": "oauth2", "client_id": "forge-client",
                           "client_secret_file": ")"
                                       + dir.filePath("forge.secret").toUtf8() + R"(",
                           "authorization_endpoint": ")"
                                       + dead + R"(/authorize",
                           "token_endpoint": ")"
                                       + dead + R"(/token",
                           "userinfo_endpoint": ")"
                                       + dead + R"(/user",
                           "claims": {"provider_user_id": "id", "email": "email"}})"}));
    QVERIFY(!writeFile(dir, "forge.secret", "forge-secret\n").isEmpty());
    // The QA accounts and the simulated providers' names, seeded into a server without --qa.
    const QString seed = writeFile(dir, "seed.json", R"({"accounts": [
        {"username": "rita", "identities": [{"provider": "github", "provider_user_id": "qa-returning"}]},
        {"username": "sam", "identities": [{"provider": "github", "provider_user_id": "qa-sam"}]}]})");

    QProcess process;
    const QString issuer = start(process,
                                 {"--providers", providers, "--data-dir", dir.filePath("data"), "--seed", seed}, false);
    QVERIFY(!issuer.isEmpty());
    HttpRobot http;
    SignInRobot robot(issuer, http);

    const QJsonArray upstream
        = http.get(robot.url(QLatin1String(Protocol::DiscoveryPath))).json().value("upstream_providers").toArray();
    QCOMPARE(upstream.size(), 2);
    QCOMPARE(upstream.at(0).toObject().value("id").toString(), QStringLiteral("corp"));
    QCOMPARE(upstream.at(0).toObject().value("name").toString(), QStringLiteral("Corp SSO"));
    QCOMPARE(upstream.at(1).toObject().value("id").toString(), QStringLiteral("forge"));

    for (const char *simulated : {"github", "google", "microsoft"})
        QCOMPARE(http.get(robot.url(QStringLiteral("/signin/") + QLatin1String(simulated))).status, 404);

    const HttpResult page = http.get(robot.authorizeUrl(robot.newRequest()));
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("/signin/corp?"));
    QVERIFY(page.body.contains("/signin/forge?"));
    QVERIFY(!page.body.contains("/signin/github"));
    QVERIFY(!page.body.contains("Google"));
    // provider=<id> skips the page; an unknown one (a simulated one here) shows it.
    const HttpResult skipped = http.get(robot.authorizeUrl(robot.newRequest(), {{"provider", "forge"}}));
    QCOMPARE(skipped.status, 302);
    QCOMPARE(skipped.location().path(), QStringLiteral("/signin/forge"));
    QCOMPARE(http.get(robot.authorizeUrl(robot.newRequest(), {{"provider", "github"}})).status, 200);

    process.terminate();
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    const QByteArray log = process.readAllStandardError();
    // rita and sam did not exist yet, and "github" is no provider here.
    QVERIFY2(log.contains("2 accounts created, 0 identities linked"), log.constData());
    QVERIFY(log.contains("identity github:qa-returning skipped: unknown provider"));
    QVERIFY2(log.contains("corp: discovery failed"), log.constData());
    QVERIFY(!log.contains("corp-secret") && !log.contains("forge-secret"));
}

void TestServerCommandLine::keyFileProblemsStopTheStart_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("message");
    const QByteArray random32 = QByteArray::fromHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    QTest::newRow("readable by others") << random32 << 0644 << "may be read by others than its owner";
    QTest::newRow("hex, not bytes") << random32.toHex() << 0600 << "holds 64 bytes";
    QTest::newRow("missing") << QByteArray() << 0 << "does not exist";
    // The database's keys were sealed with the data directory's own key file.
    QTest::newRow("another instance's key")
        << random32 << 0600 << "does not open the signing keys stored in the database";
}

void TestServerCommandLine::keyFileProblemsStopTheStart()
{
    QFETCH(QByteArray, key);
    QFETCH(int, mode);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString data = dir.filePath("data");
    {
        QProcess first; // makes the database, its first signing key and <data>/key-encryption.key
        QVERIFY(!start(first, {"--data-dir", data}).isEmpty());
        first.terminate();
        QVERIFY(first.waitForFinished(10000));
    }
    const QString keyFile = dir.filePath("kek");
    if (!key.isEmpty()) {
        QFile file(keyFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(key);
        file.close();
        QVERIFY(::chmod(QFile::encodeName(keyFile).constData(), mode_t(mode)) == 0);
    }
    QProcess process;
    process.setProcessEnvironment(serverEnvironment());
    process.start(binary(), {"--qa", "--listen", "127.0.0.1:0", "--data-dir", data, "--key-file", keyFile});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 1);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY2(!error.contains(QString::fromLatin1(key.toHex())) || key.isEmpty(), "the key itself was printed");
}

void TestServerCommandLine::keysOfAnEarlierVersionMoveIntoTheDatabase()
{
    // A data directory as an earlier version left it: the signing key in clear in signing-keys.json.
    QTemporaryDir dir;
    const QString data = dir.filePath("data");
    QVERIFY(QDir().mkpath(data));
    const Jwk key = Jwk::generate(Jwk::Type::EcP256);
    const QJsonObject legacy{
        {"keys",
         QJsonArray{QJsonObject{{"jwk", key.toPrivateJson()},
                                {"activates_at", double(QDateTime::currentSecsSinceEpoch() - 60)}}}}};
    QVERIFY(!writeFile(dir, "data/signing-keys.json", QJsonDocument(legacy).toJson()).isEmpty());

    QProcess process;
    const QString issuer = start(process, {"--data-dir", data});
    QVERIFY(!issuer.isEmpty());
    HttpRobot http;
    const QJsonArray published = http.get(QUrl(issuer + "/jwks.json")).json().value("keys").toArray();
    process.terminate();
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(published.size(), 1);
    QCOMPARE(published.first().toObject().value("kid").toString(), key.kid()); // tokens it signed still verify
    QVERIFY(!QFile::exists(data + "/signing-keys.json"));
    QVERIFY(QFile::exists(data + "/key-encryption.key"));
    // The private part is nowhere in the database's files in clear.
    const QByteArray d = key.toPrivateJson().value("d").toString().toLatin1();
    for (const QString &name : QDir(data).entryList({"latchkey.sqlite*"}, QDir::Files)) {
        QFile file(data + "/" + name);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(d), qPrintable(name));
    }
}

QStringList TestServerCommandLine::storedKids(const QString &database, const QString &dataDir)
{
    const auto url = DatabaseUrl::parse(database, dataDir);
    Database db;
    const auto connected = url ? db.connect(*url) : Result<void>(url.error());
    if (!connected) {
        qWarning("%s", qPrintable(connected.error().description));
        return {};
    }
    QStringList kids;
    QSqlQuery q(db.connection());
    if (!q.exec("SELECT kid FROM signing_keys ORDER BY kid"))
        return {};
    while (q.next())
        kids.append(q.value(0).toString());
    return kids;
}

QStringList TestServerCommandLine::publishedKids(const QString &issuer)
{
    HttpRobot http;
    QStringList kids;
    for (const QJsonValue &key : http.get(QUrl(issuer + "/jwks.json")).json().value("keys").toArray())
        kids.append(key.toObject().value("kid").toString());
    kids.sort();
    return kids;
}

void TestServerCommandLine::wrongKeyFileWritesNothing_data()
{
    TestDatabase::addBackendRows();
}

void TestServerCommandLine::wrongKeyFileWritesNothing()
{
    // The security review's case: a start with the wrong --key-file and an
    // algorithm the database has no key for yet once sealed a new key with the
    // wrong file, and the right file could not start the server after that.
    QFETCH(QString, backend);
    QString why;
    if (!TestDatabase::isAvailable(backend, &why)) {
        if (TestDatabase::isRequired())
            QFAIL(qPrintable(why));
        QSKIP(qPrintable(why));
    }
    TestDatabase database(backend);
    QVERIFY2(database.error().isEmpty(), qPrintable(database.error()));
    QTemporaryDir dir;
    const QString data = dir.filePath("data");
    const QString right = writeFile(dir, "a.key", QByteArray(32, 'a'));
    const QString wrong = writeFile(dir, "b.key", QByteArray(32, 'b'));
    QVERIFY(!right.isEmpty() && !wrong.isEmpty());
    const QStringList storage{"--data-dir", data, "--database", database.url().isEmpty() ? "sqlite:" : database.url()};
    QStringList kids;
    {
        QProcess first;
        const QString issuer = start(first, storage + QStringList{"--key-file", right});
        QVERIFY(!issuer.isEmpty());
        kids = publishedKids(issuer);
        first.terminate();
        QVERIFY(first.waitForFinished(10000));
    }
    QCOMPARE(kids.size(), 1);
    QCOMPARE(storedKids(storage.at(3), data), kids);

    QProcess mistaken;
    mistaken.setProcessEnvironment(serverEnvironment());
    mistaken.start(binary(),
                   QStringList{"--qa", "--listen", "127.0.0.1:0", "--key-file", wrong, "--signing-alg", "RS256"}
                       + storage);
    QVERIFY(mistaken.waitForFinished(10000));
    QCOMPARE(mistaken.exitCode(), 1);
    QVERIFY(mistaken.readAllStandardOutput().isEmpty()); // never "ready"
    QCOMPARE(storedKids(storage.at(3), data), kids);     // nothing sealed with the wrong file
    const QString error = QString::fromUtf8(mistaken.readAllStandardError());
    QVERIFY2(error.contains("--key-file " + wrong
                            + " does not open the signing keys stored in the database: it is not the file they were "
                              "sealed with"),
             qPrintable(error));

    QProcess again;
    const QString issuer = start(again, storage + QStringList{"--key-file", right});
    QVERIFY2(!issuer.isEmpty(), again.readAllStandardError().constData());
    QCOMPARE(publishedKids(issuer), kids);
    again.terminate();
    QVERIFY(again.waitForFinished(10000));
}

QTEST_GUILESS_MAIN(TestServerCommandLine)
#include "TestServerCommandLine.moc"
