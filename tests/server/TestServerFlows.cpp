// The reference server's flows over real HTTP, as a client and its user meet them.

#include "Jws.h"
#include "Pkce.h"
#include "Protocol.h"
#include "ResultAssert.h"
#include "SignInRobot.h"
#include "TestServer.h"
#include "TokenStore.h"
#include "UsernameRules.h"

#include <QJsonArray>
#include <QTest>

namespace {
const QString ClientId = QLatin1String(Protocol::DefaultClientId);

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}
} // namespace

class TestServerFlows : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();

    void newUserOnboardsAndSignsIn();
    void returningUserGetsBearerTokens();
    void personas_data();
    void personas();
    void onboardedIdentitySignsInDirectly();
    void refreshRotates();
    void refreshReuseRevokesFamily();
    void failedScopeNarrowingKeepsToken();
    void revocationEndsSession();
    void codeReuseRevokesIssuedTokens();
    void wrongPresentationLeavesCodeUsable_data();
    void wrongPresentationLeavesCodeUsable();
    void codeReuseAfterOnboardingRevokesSession();
    void onboardingRetryIsIdempotent();
    void failedProofDoesNotConsumeToken();
    void restartKeepsKeysAccountsAndSessions();
    void rs256ServerSignsWithRsa();

private:
    JwkSet fetchKeys();
    QJsonObject verified(const QString &token, const QStringList &types);
    QJsonObject signInReturning(AuthorizationRequest *request = nullptr);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
    std::unique_ptr<SignInRobot> m_robot;
};

void TestServerFlows::initTestCase_data()
{
    TestDatabase::addBackendRows();
}

void TestServerFlows::init()
{
    LATCHKEY_USE_BACKEND();
    m_server = std::make_unique<TestServer>();
    QVERIFY_OK(m_server->start());
    m_http = std::make_unique<HttpRobot>();
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);
}

void TestServerFlows::cleanup()
{
    m_robot.reset();
    m_http.reset();
    m_server.reset();
}

JwkSet TestServerFlows::fetchKeys()
{
    const HttpResult discovery = m_http->get(m_server->url(QLatin1String(Protocol::DiscoveryPath)));
    const HttpResult jwks = m_http->get(QUrl(str(discovery.json(), "jwks_uri")));
    return JwkSet::fromJson(jwks.json());
}

QJsonObject TestServerFlows::verified(const QString &token, const QStringList &types)
{
    const auto result = Jws::verify(token.toLatin1(), fetchKeys(), types);
    if (!result.ok())
        qWarning() << "token does not verify:" << result.message;
    return result.payload;
}

QJsonObject TestServerFlows::signInReturning(AuthorizationRequest *out)
{
    const AuthorizationRequest request = m_robot->newRequest();
    if (out)
        *out = request;
    const QUrlQuery callback = m_robot->signInWithPersona(request, QStringLiteral("google"),
                                                          QStringLiteral("returning"));
    return m_robot->exchangeCode(request, callback.queryItemValue(QStringLiteral("code"))).json();
}

void TestServerFlows::newUserOnboardsAndSignsIn()
{
    const AuthorizationRequest request = m_robot->newRequest();
    const QUrlQuery callback = m_robot->signInAs(request, QStringLiteral("github"), QStringLiteral("gh-1001"),
                                                 QStringLiteral("alice@example.net"), true,
                                                 QStringLiteral("Alice Wong"));
    QCOMPARE(callback.queryItemValue(QStringLiteral("state")), request.state);
    QCOMPARE(callback.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded), m_server->issuer());
    const QString code = callback.queryItemValue(QStringLiteral("code"));
    QVERIFY(code.size() >= 22);

    const HttpResult tokenReply = m_robot->exchangeCode(request, code);
    QCOMPARE(tokenReply.status, 200);
    QCOMPARE(tokenReply.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject onboarding = tokenReply.json();
    QCOMPARE(str(onboarding, "token_type").toLower(), QStringLiteral("onboarding"));
    QCOMPARE(onboarding.value(QLatin1String("expires_in")).toInt(), 600);
    QVERIFY(!onboarding.contains(QLatin1String("access_token")));
    QVERIFY(!onboarding.contains(QLatin1String("refresh_token")));

    const QString onboardingToken = str(onboarding, "onboarding_token");
    const QJsonObject claims = verified(onboardingToken, {QLatin1String(Protocol::TypOnboardingToken)});
    QCOMPARE(str(claims, "iss"), m_server->issuer());
    QCOMPARE(str(claims, "aud"), ClientId);
    QCOMPARE(str(claims, "nonce"), request.nonce);
    QCOMPARE(str(claims, "provider"), QStringLiteral("GitHub"));
    // A simulated provider's identities live under "qa:", which no real provider matches.
    QCOMPARE(str(claims, "provider_id"), QStringLiteral("qa:github"));
    QCOMPARE(str(claims, "provider_user_id"), QStringLiteral("gh-1001"));
    QCOMPARE(str(claims, "email"), QStringLiteral("alice@example.net"));
    QCOMPARE(claims.value(QLatin1String("email_verified")).toBool(), true);
    QCOMPARE(str(claims, "name"), QStringLiteral("Alice Wong"));
    QCOMPARE(str(claims, "preferred_username"), QStringLiteral("alice.wong"));
    QCOMPARE(str(claims, "cch"), QString::fromLatin1(Pkce::challengeFor(request.verifier)));
    QCOMPARE(claims.value(QLatin1String("exp")).toInteger() - claims.value(QLatin1String("iat")).toInteger(), 600);
    QVERIFY(!str(claims, "jti").isEmpty());

    const QJsonObject free = m_robot->usernameCheck(onboardingToken, QStringLiteral("alice.wong")).json();
    QCOMPARE(free.value(QLatin1String("available")).toBool(), true);
    const QJsonObject taken = m_robot->usernameCheck(onboardingToken, QStringLiteral("rita")).json();
    QCOMPARE(taken.value(QLatin1String("available")).toBool(), false);
    QCOMPARE(str(taken, "reason"), QStringLiteral("taken"));
    QVERIFY(!taken.value(QLatin1String("suggestions")).toArray().isEmpty());

    const HttpResult created = m_robot->onboard(onboardingToken, request.verifier, QStringLiteral("alice.wong"),
                                                QStringLiteral("wizard-1"));
    QCOMPARE(created.status, 201);
    const QJsonObject tokens = created.json();
    QCOMPARE(str(tokens, "token_type"), QStringLiteral("Bearer"));
    QCOMPARE(tokens.value(QLatin1String("expires_in")).toInt(), 900);
    QVERIFY(!str(tokens, "refresh_token").isEmpty());

    const QJsonObject id = verified(str(tokens, "id_token"), {QLatin1String(Protocol::TypIdToken)});
    QCOMPARE(str(id, "iss"), m_server->issuer());
    QCOMPARE(str(id, "aud"), ClientId);
    QCOMPARE(str(id, "nonce"), request.nonce);
    QCOMPARE(str(id, "preferred_username"), QStringLiteral("alice.wong"));
    QCOMPARE(str(id, "name"), QStringLiteral("Alice Wong"));
    QCOMPARE(str(id, "email"), QStringLiteral("alice@example.net"));
    QCOMPARE(id.value(QLatin1String("email_verified")).toBool(), true);
    QVERIFY(!str(id, "sub").isEmpty());
    const QJsonObject access = verified(str(tokens, "access_token"), {QLatin1String(Protocol::TypAccessToken)});
    QCOMPARE(str(access, "aud"), m_server->issuer());
    QCOMPARE(str(access, "client_id"), ClientId);
    QCOMPARE(str(access, "sub"), str(id, "sub"));

    const HttpResult info = m_http->get(m_server->url(QStringLiteral("/userinfo")),
                                        {{"Authorization", "Bearer " + str(tokens, "access_token").toLatin1()}});
    QCOMPARE(info.status, 200);
    QCOMPARE(str(info.json(), "sub"), str(id, "sub"));
    QCOMPARE(str(info.json(), "preferred_username"), QStringLiteral("alice.wong"));
    QCOMPARE(str(info.json(), "email"), QStringLiteral("alice@example.net"));
}

void TestServerFlows::returningUserGetsBearerTokens()
{
    AuthorizationRequest request;
    const QJsonObject tokens = signInReturning(&request);
    QCOMPARE(str(tokens, "token_type"), QStringLiteral("Bearer"));
    QCOMPARE(str(tokens, "scope"), QLatin1String(Protocol::DefaultScope));
    QVERIFY(!str(tokens, "refresh_token").isEmpty());
    QVERIFY(!tokens.contains(QLatin1String("onboarding_token")));
    const QJsonObject id = verified(str(tokens, "id_token"), {QLatin1String(Protocol::TypIdToken)});
    QCOMPARE(str(id, "preferred_username"), QStringLiteral("rita"));
    QCOMPARE(str(id, "nonce"), request.nonce);
}

void TestServerFlows::personas_data()
{
    QTest::addColumn<QString>("persona");
    QTest::addColumn<int>("onboardStatus");
    QTest::addColumn<QString>("error");
    QTest::newRow("new") << "new" << 201 << "";
    QTest::newRow("email in use") << "email-in-use" << 409 << "email_in_use";
    QTest::newRow("unverified email") << "unverified-email" << 201 << "";
    QTest::newRow("no email") << "no-email" << 201 << "";
    QTest::newRow("long unicode name") << "long-name" << 201 << "";
    QTest::newRow("username taken") << "taken-username" << 201 << "";
}

void TestServerFlows::personas()
{
    QFETCH(QString, persona);
    QFETCH(int, onboardStatus);
    QFETCH(QString, error);
    const AuthorizationRequest request = m_robot->newRequest();
    const QUrlQuery callback = m_robot->signInWithPersona(request, QStringLiteral("microsoft"), persona);
    const QJsonObject onboarding = m_robot->exchangeCode(request, callback.queryItemValue(QStringLiteral("code"))).json();
    QCOMPARE(str(onboarding, "token_type"), QStringLiteral("Onboarding"));
    const QJsonObject claims = verified(str(onboarding, "onboarding_token"), {QStringLiteral("onboarding+jwt")});
    const QString username = str(claims, "preferred_username");
    QVERIFY2(UsernameRules::isValid(username), qPrintable(username));
    if (persona == QLatin1String("taken-username")) {
        QVERIFY(username != QLatin1String("sam"));
        QCOMPARE(str(m_robot->usernameCheck(str(onboarding, "onboarding_token"), QStringLiteral("sam")).json(), "reason"),
                 QStringLiteral("taken"));
    }
    if (persona == QLatin1String("no-email"))
        QVERIFY(!claims.contains(QLatin1String("email")));

    const HttpResult result = m_robot->onboard(str(onboarding, "onboarding_token"), request.verifier, username,
                                               QStringLiteral("wizard"));
    QCOMPARE(result.status, onboardStatus);
    if (!error.isEmpty()) {
        QCOMPARE(str(result.json(), "error"), error);
        QCOMPARE(result.json().value(QLatin1String("providers")).toArray(),
                 QJsonArray({QStringLiteral("GitHub"), QStringLiteral("Google"), QStringLiteral("Microsoft")}));
        return;
    }
    const QJsonObject id = verified(str(result.json(), "id_token"), {QStringLiteral("JWT")});
    QCOMPARE(str(id, "name"), str(claims, "name"));
    QCOMPARE(id.value(QLatin1String("email_verified")).toBool(),
             persona != QLatin1String("unverified-email") && persona != QLatin1String("no-email"));
}

void TestServerFlows::onboardedIdentitySignsInDirectly()
{
    AuthorizationRequest first = m_robot->newRequest();
    const QString token = m_robot->onboardingTokenFor(first, QStringLiteral("google"), QStringLiteral("g-77"),
                                                      QStringLiteral("bo@example.org"), true, QStringLiteral("Bo"));
    QCOMPARE(m_robot->onboard(token, first.verifier, QStringLiteral("bo.b"), QStringLiteral("k")).status, 201);

    const AuthorizationRequest second = m_robot->newRequest();
    const QUrlQuery callback = m_robot->signInAs(second, QStringLiteral("google"), QStringLiteral("g-77"), {}, false,
                                                 {});
    const QJsonObject tokens = m_robot->exchangeCode(second, callback.queryItemValue(QStringLiteral("code"))).json();
    QCOMPARE(str(tokens, "token_type"), QStringLiteral("Bearer"));
    QCOMPARE(str(verified(str(tokens, "id_token"), {QStringLiteral("JWT")}), "preferred_username"),
             QStringLiteral("bo.b"));
}

void TestServerFlows::refreshRotates()
{
    const QJsonObject tokens = signInReturning();
    QString refresh = str(tokens, "refresh_token");
    for (int i = 0; i < 3; ++i) {
        const HttpResult rotated = m_robot->refresh(refresh);
        QCOMPARE(rotated.status, 200);
        const QString next = str(rotated.json(), "refresh_token");
        QVERIFY(!next.isEmpty());
        QVERIFY(next != refresh);
        const QJsonObject access = verified(str(rotated.json(), "access_token"), {QStringLiteral("at+jwt")});
        QCOMPARE(str(access, "client_id"), QLatin1String(Protocol::DefaultClientId));
        QVERIFY(!rotated.json().contains(QLatin1String("id_token"))); // OIDC Core 12.2: optional, left out
        refresh = next;
    }
}

void TestServerFlows::refreshReuseRevokesFamily()
{
    const QJsonObject tokens = signInReturning();
    const QString first = str(tokens, "refresh_token");
    const QJsonObject second = m_robot->refresh(first).json();
    const QString newest = str(second, "refresh_token");
    QVERIFY(!newest.isEmpty());

    // Replayed later (a stolen copy): past the grace for a lost response (5.2).
    m_server->clock().advance(TokenStore::RefreshGraceSeconds + 1);
    const HttpResult replay = m_robot->refresh(first);
    QCOMPARE(replay.status, 400);
    QCOMPARE(str(replay.json(), "error"), QStringLiteral("invalid_grant"));
    // The thief and the owner are indistinguishable now: the whole family ends.
    QCOMPARE(str(m_robot->refresh(newest).json(), "error"), QStringLiteral("invalid_grant"));
    const HttpResult info = m_http->get(m_server->url(QStringLiteral("/userinfo")),
                                        {{"Authorization", "Bearer " + str(second, "access_token").toLatin1()}});
    QCOMPARE(info.status, 401);
}

void TestServerFlows::failedScopeNarrowingKeepsToken()
{
    const QString refresh = str(signInReturning(), "refresh_token");
    const HttpResult widened = m_http->postForm(m_server->url(QStringLiteral("/token")),
                                                {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                 {QStringLiteral("refresh_token"), refresh},
                                                 {QStringLiteral("client_id"), ClientId},
                                                 {QStringLiteral("scope"), QStringLiteral("openid admin")}});
    QCOMPARE(str(widened.json(), "error"), QStringLiteral("invalid_scope"));
    const HttpResult narrowed = m_http->postForm(m_server->url(QStringLiteral("/token")),
                                                 {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                  {QStringLiteral("refresh_token"), refresh},
                                                  {QStringLiteral("client_id"), ClientId},
                                                  {QStringLiteral("scope"), QStringLiteral("openid")}});
    QCOMPARE(narrowed.status, 200);
    QCOMPARE(str(narrowed.json(), "scope"), QStringLiteral("openid"));
}

void TestServerFlows::revocationEndsSession()
{
    const QJsonObject tokens = signInReturning();
    const HttpResult revoked = m_http->postForm(m_server->url(QStringLiteral("/revoke")),
                                                {{QStringLiteral("token"), str(tokens, "refresh_token")},
                                                 {QStringLiteral("token_type_hint"), QStringLiteral("refresh_token")},
                                                 {QStringLiteral("client_id"), ClientId}});
    QCOMPARE(revoked.status, 200);
    QCOMPARE(str(m_robot->refresh(str(tokens, "refresh_token")).json(), "error"), QStringLiteral("invalid_grant"));
    const HttpResult info = m_http->get(m_server->url(QStringLiteral("/userinfo")),
                                        {{"Authorization", "Bearer " + str(tokens, "access_token").toLatin1()}});
    QCOMPARE(info.status, 401);
    QVERIFY(info.header("WWW-Authenticate").contains("invalid_token"));

    // Revoking the access token ends its session too.
    const QJsonObject other = signInReturning();
    QCOMPARE(m_http
                 ->postForm(m_server->url(QStringLiteral("/revoke")),
                            {{QStringLiteral("token"), str(other, "access_token")},
                             {QStringLiteral("client_id"), ClientId}})
                 .status,
             200);
    QCOMPARE(str(m_robot->refresh(str(other, "refresh_token")).json(), "error"), QStringLiteral("invalid_grant"));
}

void TestServerFlows::codeReuseRevokesIssuedTokens()
{
    const AuthorizationRequest request = m_robot->newRequest();
    const QString code = m_robot->signInWithPersona(request, QStringLiteral("github"), QStringLiteral("returning"))
                             .queryItemValue(QStringLiteral("code"));
    const QJsonObject tokens = m_robot->exchangeCode(request, code).json();
    QVERIFY(!str(tokens, "refresh_token").isEmpty());
    const HttpResult second = m_robot->exchangeCode(request, code);
    QCOMPARE(second.status, 400);
    QCOMPARE(str(second.json(), "error"), QStringLiteral("invalid_grant"));
    QCOMPARE(str(m_robot->refresh(str(tokens, "refresh_token")).json(), "error"), QStringLiteral("invalid_grant"));
    QCOMPARE(m_http
                 ->get(m_server->url(QStringLiteral("/userinfo")),
                       {{"Authorization", "Bearer " + str(tokens, "access_token").toLatin1()}})
                 .status,
             401);
}

// docs/protocol-notes.md: a code presented with the wrong verifier (or
// redirect URI) is not spent, so whoever sees a code cannot burn the
// sign-in; the right presentation afterwards works, once.
void TestServerFlows::wrongPresentationLeavesCodeUsable_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::newRow("wrong code_verifier") << "code_verifier" << QString(43, QLatin1Char('x'));
    QTest::newRow("wrong redirect_uri") << "redirect_uri"
                                        << "http://127.0.0.1:1/callback";
}

void TestServerFlows::wrongPresentationLeavesCodeUsable()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    const AuthorizationRequest request = m_robot->newRequest();
    const QString code = m_robot->signInWithPersona(request, QStringLiteral("github"), QStringLiteral("returning"))
                             .queryItemValue(QStringLiteral("code"));
    FieldList fields{{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                     {QStringLiteral("code"), code},
                     {QStringLiteral("redirect_uri"), request.redirectUri},
                     {QStringLiteral("client_id"), QLatin1String(Protocol::DefaultClientId)},
                     {QStringLiteral("code_verifier"), QString::fromLatin1(request.verifier)}};
    for (auto &[name, current] : fields) {
        if (name == field)
            current = value;
    }
    const HttpResult wrong = m_http->postForm(m_server->url(QStringLiteral("/token")), fields);
    QCOMPARE(wrong.status, 400);
    QCOMPARE(str(wrong.json(), "error"), QStringLiteral("invalid_grant"));
    const HttpResult right = m_robot->exchangeCode(request, code);
    QCOMPARE(right.status, 200);
    QVERIFY(!str(right.json(), "access_token").isEmpty());
    QCOMPARE(str(m_robot->exchangeCode(request, code).json(), "error"), QStringLiteral("invalid_grant"));
}

void TestServerFlows::codeReuseAfterOnboardingRevokesSession()
{
    const AuthorizationRequest request = m_robot->newRequest();
    const QString code = m_robot
                             ->signInAs(request, QStringLiteral("github"), QStringLiteral("gh-replayed"), {}, false,
                                        QStringLiteral("Replayed Code"))
                             .queryItemValue(QStringLiteral("code"));
    const QString onboardingToken = str(m_robot->exchangeCode(request, code).json(), "onboarding_token");
    QVERIFY(!onboardingToken.isEmpty());
    const HttpResult created = m_robot->onboard(onboardingToken, request.verifier, QStringLiteral("replayed"),
                                                QStringLiteral("key-r"));
    QCOMPARE(created.status, 201);
    const QJsonObject tokens = created.json();

    const HttpResult replay = m_robot->exchangeCode(request, code);
    QCOMPARE(replay.status, 400);
    QCOMPARE(str(replay.json(), "error"), QStringLiteral("invalid_grant"));
    // PROTOCOL.md 4: what the code issued includes the session the onboarding created.
    QCOMPARE(str(m_robot->refresh(str(tokens, "refresh_token")).json(), "error"), QStringLiteral("invalid_grant"));
    QCOMPARE(m_http
                 ->get(m_server->url(QStringLiteral("/userinfo")),
                       {{"Authorization", "Bearer " + str(tokens, "access_token").toLatin1()}})
                 .status,
             401);
    // Nor does the wizard's idempotent retry bring the session back.
    const HttpResult retry = m_robot->onboard(onboardingToken, request.verifier, QStringLiteral("replayed"),
                                              QStringLiteral("key-r"));
    QCOMPARE(retry.status, 401);
    QCOMPARE(str(retry.json(), "reason"), QStringLiteral("revoked"));
}

void TestServerFlows::onboardingRetryIsIdempotent()
{
    const AuthorizationRequest request = m_robot->newRequest();
    const QString token = m_robot->onboardingTokenFor(request, QStringLiteral("github"), QStringLiteral("gh-lost"),
                                                      QStringLiteral("lost@example.org"), true,
                                                      QStringLiteral("Lost Reply"));
    const HttpResult first = m_robot->onboard(token, request.verifier, QStringLiteral("lost.reply"),
                                              QStringLiteral("key-1"));
    QCOMPARE(first.status, 201);
    // The response was "lost": the wizard retries the very same request.
    const HttpResult retry = m_robot->onboard(token, request.verifier, QStringLiteral("lost.reply"),
                                              QStringLiteral("key-1"));
    QCOMPARE(retry.status, 201);
    const QJsonObject a = verified(str(first.json(), "id_token"), {QStringLiteral("JWT")});
    const QJsonObject b = verified(str(retry.json(), "id_token"), {QStringLiteral("JWT")});
    QCOMPARE(str(b, "sub"), str(a, "sub"));
    QVERIFY(str(retry.json(), "refresh_token") != str(first.json(), "refresh_token"));
    QCOMPARE(str(m_robot->refresh(str(first.json(), "refresh_token")).json(), "error"), QStringLiteral("invalid_grant"));
    QCOMPARE(m_robot->refresh(str(retry.json(), "refresh_token")).status, 200);

    const HttpResult otherWizard = m_robot->onboard(token, request.verifier, QStringLiteral("lost.reply"),
                                                    QStringLiteral("key-2"));
    QCOMPARE(otherWizard.status, 409);
    QCOMPARE(str(otherWizard.json(), "error"), QStringLiteral("onboarding_already_completed"));
}

void TestServerFlows::failedProofDoesNotConsumeToken()
{
    const AuthorizationRequest request = m_robot->newRequest();
    const QString token = m_robot->onboardingTokenFor(request, QStringLiteral("google"), QStringLiteral("g-pop"), {},
                                                      false, QStringLiteral("Pop Owner"));
    const HttpResult stolen = m_robot->onboard(token, Pkce::generateVerifier(), QStringLiteral("thief"),
                                               QStringLiteral("t"));
    QCOMPARE(stolen.status, 401);
    QCOMPARE(str(stolen.json(), "reason"), QStringLiteral("proof"));
    const HttpResult taken = m_robot->onboard(token, request.verifier, QStringLiteral("rita"), QStringLiteral("k"));
    QCOMPARE(taken.status, 409);
    const HttpResult created = m_robot->onboard(token, request.verifier, QStringLiteral("owner"), QStringLiteral("k"),
                                                {{QStringLiteral("name"), QStringLiteral("   ")}});
    QCOMPARE(created.status, 201);
    // A blank name is no name: the account keeps the one the provider gave.
    QCOMPARE(str(verified(str(created.json(), "id_token"), {QStringLiteral("JWT")}), "name"),
             QStringLiteral("Pop Owner"));
}

void TestServerFlows::restartKeepsKeysAccountsAndSessions()
{
    const QJsonObject tokens = signInReturning();
    const AuthorizationRequest request = m_robot->newRequest();
    const QString token = m_robot->onboardingTokenFor(request, QStringLiteral("github"), QStringLiteral("gh-persist"));
    QCOMPARE(m_robot->onboard(token, request.verifier, QStringLiteral("persisted"), QStringLiteral("k")).status, 201);
    const QJsonObject keysBefore = fetchKeys().toJson();
    const QString issuer = m_server->issuer();

    QVERIFY_OK(m_server->restart());
    QCOMPARE(m_server->issuer(), issuer);
    QCOMPARE(fetchKeys().toJson(), keysBefore);
    QCOMPARE(m_http
                 ->get(m_server->url(QStringLiteral("/userinfo")),
                       {{"Authorization", "Bearer " + str(tokens, "access_token").toLatin1()}})
                 .status,
             200);
    QCOMPARE(m_robot->refresh(str(tokens, "refresh_token")).status, 200);
    const AuthorizationRequest again = m_robot->newRequest();
    const QString token2 = m_robot->onboardingTokenFor(again, QStringLiteral("github"), QStringLiteral("gh-other"));
    QCOMPARE(str(m_robot->usernameCheck(token2, QStringLiteral("persisted")).json(), "reason"), QStringLiteral("taken"));
}

void TestServerFlows::rs256ServerSignsWithRsa()
{
    ServerConfig config = qaServerConfig();
    config.signingAlgorithm = QStringLiteral("RS256");
    m_robot.reset();
    m_server = std::make_unique<TestServer>(config);
    QVERIFY(m_server->start());
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);
    const QJsonObject tokens = signInReturning();
    const auto result = Jws::verify(str(tokens, "id_token").toLatin1(), fetchKeys(), QStringList{QStringLiteral("JWT")});
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(str(result.header, "alg"), QStringLiteral("RS256"));
}

QTEST_GUILESS_MAIN(TestServerFlows)
#include "TestServerFlows.moc"
