// When the database refuses a write (a full disk, say), every endpoint that
// writes answers 503 temporarily_unavailable, or for the browser's sign-in
// ends at the app with that error (RFC 6749 4.1.2.1), and nothing half-done
// remains: the same request succeeds once writes work again. The disk itself
// is filled in crash-durability.py (full-disk); here another connection makes
// the database refuse writes, so the test needs no root.

#include "Protocol.h"
#include "ResultAssert.h"
#include "SignInRobot.h"
#include "TestServer.h"
#include "TokenStore.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUuid>

namespace {
const QString ClientId = QLatin1String(Protocol::DefaultClientId);
const QStringList Tables{QStringLiteral("accounts"), QStringLiteral("identities"), QStringLiteral("token_families"),
                         QStringLiteral("authorization_codes"), QStringLiteral("onboardings")};

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}
} // namespace

class TestStorageFailure : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void refreshIsRetried();
    void reuseIsDetectedOnRetry();
    void signInEndsAtTheApp();
    void codeExchangeIsRetried();
    void codeReplayIsDetectedOnRetry();
    void onboardIsRetried();
    void revokeIsRetried();

private:
    // Makes every insert, update and delete fail, or work again.
    bool refuseWrites(bool refuse);
    static bool isUnavailable(const HttpResult &answer);
    QJsonObject signIn();
    HttpResult revoke(const QString &token);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
    std::unique_ptr<SignInRobot> m_robot;
    QString m_connection;
};

void TestStorageFailure::init()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY_OK(m_server->start());
    m_http = std::make_unique<HttpRobot>();
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);
    m_connection = QUuid::createUuid().toString();
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(QDir(m_server->dataDir()).filePath(QStringLiteral("latchkey.sqlite")));
    QVERIFY2(db.open(), qPrintable(db.lastError().text()));
}

void TestStorageFailure::cleanup()
{
    QSqlDatabase::database(m_connection, false).close();
    QSqlDatabase::removeDatabase(m_connection);
    m_robot.reset();
    m_http.reset();
    m_server.reset();
}

bool TestStorageFailure::refuseWrites(bool refuse)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    for (const QString &table : Tables) {
        for (const char *event : {"INSERT", "UPDATE", "DELETE"}) {
            const QString name = QStringLiteral("refuse_%1_%2").arg(QString::fromLatin1(event).toLower(), table);
            const QString sql = refuse ? QStringLiteral("CREATE TRIGGER %1 BEFORE %2 ON %3 BEGIN "
                                                        "SELECT RAISE(ABORT, 'writes refused by the test'); END")
                                             .arg(name, QLatin1String(event), table)
                                       : QStringLiteral("DROP TRIGGER %1").arg(name);
            if (!q.exec(sql)) {
                qWarning() << sql << q.lastError().text();
                return false;
            }
        }
    }
    return true;
}

bool TestStorageFailure::isUnavailable(const HttpResult &answer)
{
    if (answer.status != 503 || str(answer.json(), "error") != QLatin1String("temporarily_unavailable")
        || answer.header("Retry-After").isEmpty()) {
        qWarning() << "not 503 temporarily_unavailable with Retry-After:" << answer.status << answer.body;
        return false;
    }
    return true;
}

QJsonObject TestStorageFailure::signIn()
{
    const AuthorizationRequest request = m_robot->newRequest();
    const QUrlQuery callback = m_robot->signInWithPersona(request, QStringLiteral("google"),
                                                          QStringLiteral("returning"));
    return m_robot->exchangeCode(request, callback.queryItemValue(QStringLiteral("code"))).json();
}

HttpResult TestStorageFailure::revoke(const QString &token)
{
    return m_http->postForm(m_server->url(QStringLiteral("/revoke")),
                            {{QStringLiteral("token"), token}, {QStringLiteral("client_id"), ClientId}});
}

void TestStorageFailure::refreshIsRetried()
{
    const QString refresh = str(signIn(), "refresh_token");
    QVERIFY(refuseWrites(true));
    QVERIFY(isUnavailable(m_robot->refresh(refresh)));
    QVERIFY(refuseWrites(false));
    QCOMPARE(m_robot->refresh(refresh).status, 200);
}

void TestStorageFailure::reuseIsDetectedOnRetry()
{
    const QString first = str(signIn(), "refresh_token");
    const QString second = str(m_robot->refresh(first).json(), "refresh_token");
    m_server->clock().advance(TokenStore::RefreshGraceSeconds + 1);
    QVERIFY(refuseWrites(true));
    // Answering invalid_grant without saving the revocation would leave the thief's session alive.
    QVERIFY(isUnavailable(m_robot->refresh(first)));
    QVERIFY(refuseWrites(false));
    QCOMPARE(str(m_robot->refresh(first).json(), "error"), QStringLiteral("invalid_grant"));
    QCOMPARE(str(m_robot->refresh(second).json(), "error"), QStringLiteral("invalid_grant"));
}

void TestStorageFailure::signInEndsAtTheApp()
{
    const AuthorizationRequest request = m_robot->newRequest();
    QVERIFY(refuseWrites(true));
    const QUrlQuery callback = m_robot->signInWithPersona(request, QStringLiteral("google"),
                                                          QStringLiteral("returning"));
    QCOMPARE(callback.queryItemValue(QStringLiteral("error")), QStringLiteral("temporarily_unavailable"));
    QCOMPARE(callback.queryItemValue(QStringLiteral("state")), request.state);
    QVERIFY(!callback.hasQueryItem(QStringLiteral("code")));
    QVERIFY(refuseWrites(false));
    QVERIFY(!str(signIn(), "refresh_token").isEmpty());
}

void TestStorageFailure::codeExchangeIsRetried()
{
    const AuthorizationRequest request = m_robot->newRequest();
    const QString code = m_robot->signInWithPersona(request, QStringLiteral("google"), QStringLiteral("returning"))
                             .queryItemValue(QStringLiteral("code"));
    QVERIFY(refuseWrites(true));
    QVERIFY(isUnavailable(m_robot->exchangeCode(request, code)));
    QVERIFY(refuseWrites(false));
    // Nothing was saved, so the code was not spent either.
    const HttpResult retry = m_robot->exchangeCode(request, code);
    QCOMPARE(retry.status, 200);
    QCOMPARE(m_robot->refresh(str(retry.json(), "refresh_token")).status, 200);
}

void TestStorageFailure::codeReplayIsDetectedOnRetry()
{
    const AuthorizationRequest request = m_robot->newRequest();
    const QString code = m_robot->signInWithPersona(request, QStringLiteral("google"), QStringLiteral("returning"))
                             .queryItemValue(QStringLiteral("code"));
    const QJsonObject tokens = m_robot->exchangeCode(request, code).json();
    QVERIFY(refuseWrites(true));
    QVERIFY(isUnavailable(m_robot->exchangeCode(request, code)));
    QVERIFY(refuseWrites(false));
    QCOMPARE(str(m_robot->exchangeCode(request, code).json(), "error"), QStringLiteral("invalid_grant"));
    QCOMPARE(str(m_robot->refresh(str(tokens, "refresh_token")).json(), "error"), QStringLiteral("invalid_grant"));
}

void TestStorageFailure::onboardIsRetried()
{
    const AuthorizationRequest request = m_robot->newRequest();
    const QString token = m_robot->onboardingTokenFor(request, QStringLiteral("github"), QStringLiteral("gh-full"),
                                                      QStringLiteral("full@example.org"), true,
                                                      QStringLiteral("Full Disk"));
    QVERIFY(!token.isEmpty());
    QVERIFY(refuseWrites(true));
    QVERIFY(isUnavailable(m_robot->onboard(token, request.verifier, QStringLiteral("full.disk"), QStringLiteral("k1"))));
    QVERIFY(refuseWrites(false));
    // No half-made account holds the username or the identity.
    const HttpResult retry = m_robot->onboard(token, request.verifier, QStringLiteral("full.disk"),
                                              QStringLiteral("k1"));
    QCOMPARE(retry.status, 201);
    QCOMPARE(m_robot->refresh(str(retry.json(), "refresh_token")).status, 200);
}

void TestStorageFailure::revokeIsRetried()
{
    const QJsonObject tokens = signIn();
    QVERIFY(refuseWrites(true));
    // RFC 7009 2.2.1: a 200 would tell the app the session ended when it did not.
    QVERIFY(isUnavailable(revoke(str(tokens, "refresh_token"))));
    QVERIFY(isUnavailable(revoke(str(tokens, "access_token"))));
    QVERIFY(refuseWrites(false));
    QCOMPARE(m_robot->refresh(str(tokens, "refresh_token")).status, 200);
    QCOMPARE(revoke(str(tokens, "access_token")).status, 200);
    QCOMPARE(m_http
                 ->get(m_server->url(QStringLiteral("/userinfo")),
                       {{"Authorization", "Bearer " + str(tokens, "access_token").toLatin1()}})
                 .status,
             401);
}

QTEST_GUILESS_MAIN(TestStorageFailure)
#include "TestStorageFailure.moc"
