// PROTOCOL.md 5.2: a rotation whose response never reached the client does not
// end the session. The token it retired is accepted once more for a short
// grace while its successor is unused; any other old token still revokes.

#include "Protocol.h"
#include "ResultAssert.h"
#include "SignInRobot.h"
#include "TestServer.h"
#include "TokenStore.h"

#include <QTest>

namespace {
const QString ClientId = QLatin1String(Protocol::DefaultClientId);
constexpr int Grace = TokenStore::RefreshGraceSeconds;

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}
} // namespace

class TestRefreshGrace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();

    void replay_data();
    void replay();
    void graceSurvivesRestart();
    void signOutWithPreviousTokenEndsSession();

private:
    // Signs in and returns the first refresh token and its access token.
    std::pair<QString, QString> signIn();
    // Plays a script on a fresh session; false with *failure when a step
    // answered otherwise than the script says.
    bool play(const QString &script, QString *failure);
    HttpResult narrow(const QString &refreshToken);
    int userInfoStatus(const QString &accessToken);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
    std::unique_ptr<SignInRobot> m_robot;
};

void TestRefreshGrace::initTestCase_data()
{
    TestDatabase::addBackendRows();
}

void TestRefreshGrace::init()
{
    LATCHKEY_USE_BACKEND();
    m_server = std::make_unique<TestServer>();
    QVERIFY_OK(m_server->start());
    m_http = std::make_unique<HttpRobot>();
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);
}

void TestRefreshGrace::cleanup()
{
    m_robot.reset();
    m_http.reset();
    m_server.reset();
}

std::pair<QString, QString> TestRefreshGrace::signIn()
{
    const AuthorizationRequest request = m_robot->newRequest();
    const QUrlQuery callback = m_robot->signInWithPersona(request, QStringLiteral("google"),
                                                          QStringLiteral("returning"));
    const QJsonObject tokens = m_robot->exchangeCode(request, callback.queryItemValue(QStringLiteral("code"))).json();
    return {str(tokens, "refresh_token"), str(tokens, "access_token")};
}

HttpResult TestRefreshGrace::narrow(const QString &refreshToken)
{
    return m_http->postForm(m_server->url(QStringLiteral("/token")),
                            {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                             {QStringLiteral("refresh_token"), refreshToken},
                             {QStringLiteral("client_id"), ClientId},
                             {QStringLiteral("scope"), QStringLiteral("openid admin")}});
}

int TestRefreshGrace::userInfoStatus(const QString &accessToken)
{
    return m_http
        ->get(m_server->url(QStringLiteral("/userinfo")), {{"Authorization", "Bearer " + accessToken.toLatin1()}})
        .status;
}

// Tokens are numbered as issued: 0 at sign-in, then one per accepted refresh.
//   rN  refresh with token N: 200 and a new token
//   !N  refresh with token N: invalid_grant, and the whole session is revoked
//   xN  refresh with token N asking for more scope: invalid_scope, nothing rotates
//   wS  S seconds pass on the server's clock
bool TestRefreshGrace::play(const QString &script, QString *failure)
{
    const auto [first, access] = signIn();
    QStringList tokens{first};
    QString latestAccess = access;
    for (const QString &step : script.split(u' ', Qt::SkipEmptyParts)) {
        const int n = step.mid(1).toInt();
        const auto fail = [&](const QString &why) {
            *failure = QStringLiteral("%1 (in \"%2\"): %3").arg(step, script, why);
            return false;
        };
        if (step.startsWith(u'w')) {
            m_server->clock().advance(n);
            continue;
        }
        if (n >= tokens.size())
            return fail(QStringLiteral("no such token"));
        if (step.startsWith(u'x')) {
            const HttpResult answer = narrow(tokens.at(n));
            if (str(answer.json(), "error") != QLatin1String("invalid_scope"))
                return fail(QStringLiteral("expected invalid_scope, got %1").arg(answer.status));
            continue;
        }
        const HttpResult answer = m_robot->refresh(tokens.at(n));
        if (step.startsWith(u'r')) {
            if (answer.status != 200)
                return fail(
                    QStringLiteral("expected 200, got %1 %2").arg(answer.status).arg(QString::fromUtf8(answer.body)));
            const QString next = str(answer.json(), "refresh_token");
            if (next.isEmpty() || tokens.contains(next))
                return fail(QStringLiteral("no new refresh token"));
            tokens.append(next);
            latestAccess = str(answer.json(), "access_token");
            if (userInfoStatus(latestAccess) != 200)
                return fail(QStringLiteral("the new access token does not work"));
            continue;
        }
        if (answer.status != 400 || str(answer.json(), "error") != QLatin1String("invalid_grant"))
            return fail(QStringLiteral("expected invalid_grant, got %1").arg(answer.status));
        // Thief and owner cannot be told apart: every token of the session ends.
        if (m_robot->refresh(tokens.constLast()).status != 400)
            return fail(QStringLiteral("the newest refresh token still works"));
        if (userInfoStatus(latestAccess) != 401)
            return fail(QStringLiteral("the newest access token still works"));
    }
    return true;
}

void TestRefreshGrace::replay_data()
{
    // `control`: the nearest replay that is accepted, so each row shows what
    // exactly makes the difference.
    QTest::addColumn<QString>("script");
    QTest::addColumn<QString>("control");
    // One second short of the end: the server's clock is real time plus an
    // offset, so a wall-clock second may tick between two requests (seen
    // under the sanitizers' slower build).
    const QString graceEnd = QStringLiteral("w%1").arg(Grace - 1);
    const QString graceOver = QStringLiteral("w%1").arg(Grace + 1);

    QTest::newRow("previous token, within the grace, successor unused") << "r0 w5 r0 r2"
                                                                        << "";
    QTest::newRow("previous token, in the last seconds of the grace") << "r0 " + graceEnd + " r0 r2"
                                                                      << "";
    QTest::newRow("unused successor after the grace answer") << "r0 r0 !1"
                                                             << "r0 r0 r2";
    QTest::newRow("previous token a second time (the grace is once)") << "r0 r0 !0"
                                                                      << "r0 r0";
    QTest::newRow("the token before the previous one, after a grace answer") << "r0 r1 r1 !0"
                                                                             << "r0 r1 r1 r3";
    QTest::newRow("previous token after the grace") << "r0 " + graceOver + " !0"
                                                    << "r0 " + graceEnd + " r0";
    QTest::newRow("previous token after its successor was used") << "r0 r1 !0"
                                                                 << "r0 r0";
    QTest::newRow("previous token after its successor was presented") << "r0 x1 !0"
                                                                      << "r0 x0 r0";
    QTest::newRow("a token two rotations old") << "r0 r1 r2 !1"
                                               << "r0 r1 r2 r2";
    // Reuse detection keeps its teeth: a copy taken earlier and replayed later.
    QTest::newRow("stolen token replayed an hour later") << "r0 r1 r2 w3600 !0"
                                                         << "r0 r1 r2 w5 r2";
}

void TestRefreshGrace::replay()
{
    QFETCH(QString, script);
    QFETCH(QString, control);
    QString failure;
    if (!control.isEmpty())
        QVERIFY2(play(control, &failure), qPrintable(QStringLiteral("control: ") + failure));
    QVERIFY2(play(script, &failure), qPrintable(failure));
}

void TestRefreshGrace::graceSurvivesRestart()
{
    // The server committed a rotation and died before answering.
    const QString first = signIn().first;
    QCOMPARE(m_robot->refresh(first).status, 200);
    QVERIFY_OK(m_server->restart());
    const HttpResult retried = m_robot->refresh(first);
    QCOMPARE(retried.status, 200);
    QCOMPARE(m_robot->refresh(str(retried.json(), "refresh_token")).status, 200);
}

void TestRefreshGrace::signOutWithPreviousTokenEndsSession()
{
    // The refresh response was lost; the person signs out with the token the app holds.
    const QString first = signIn().first;
    const QString unseen = str(m_robot->refresh(first).json(), "refresh_token");
    QVERIFY(!unseen.isEmpty());
    QCOMPARE(m_http
                 ->postForm(m_server->url(QStringLiteral("/revoke")),
                            {{QStringLiteral("token"), first}, {QStringLiteral("client_id"), ClientId}})
                 .status,
             200);
    QCOMPARE(str(m_robot->refresh(unseen).json(), "error"), QStringLiteral("invalid_grant"));
    QCOMPARE(str(m_robot->refresh(first).json(), "error"), QStringLiteral("invalid_grant"));
}

QTEST_GUILESS_MAIN(TestRefreshGrace)
#include "TestRefreshGrace.moc"
