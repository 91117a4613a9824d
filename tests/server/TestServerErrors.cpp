// One data row per error row of PROTOCOL.md, each against a fresh server.

#include "Jws.h"
#include "Pkce.h"
#include "Protocol.h"
#include "ResultAssert.h"
#include "SignInRobot.h"
#include "TestServer.h"

#include <QJsonArray>
#include <QTcpSocket>
#include <QTest>

#include <functional>
#include <optional>

namespace {
const QString ClientId = QLatin1String(Protocol::DefaultClientId);
}

class TestServerErrors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();

    void authorizeErrorPage_data();
    void authorizeErrorPage();
    void authorizeAcceptsLoopbackRedirect_data();
    void authorizeAcceptsLoopbackRedirect();
    void tokenRedirectUriExact_data();
    void tokenRedirectUriExact();
    void authorizeErrorRedirect_data();
    void authorizeErrorRedirect();
    void apiErrors_data();
    void apiErrors();
    void rateLimits_data();
    void rateLimits();
    void requestLogLineIsOneLine_data();
    void requestLogLineIsOneLine();

private:
    using Scenario = std::function<HttpResult()>;
    Scenario scenario(const QString &name);
    // A fresh onboarding token and the request that got it.
    QString onboardingToken(AuthorizationRequest *request, const QString &email = {}, bool verified = false);
    HttpResult onboardWith(const QJsonObject &replace, const QByteArray &idempotencyKey = "k");
    HttpResult token(const FieldList &fields)
    {
        return m_http->postForm(m_server->url(QStringLiteral("/token")), fields);
    }

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
    std::unique_ptr<SignInRobot> m_robot;
};

void TestServerErrors::initTestCase_data()
{
    TestDatabase::addBackendRows();
}

void TestServerErrors::init()
{
    LATCHKEY_USE_BACKEND();
    ServerConfig config = qaServerConfig();
    config.onboardAttemptsPerMinute = 5;
    config.usernameChecksPerMinute = 5;
    m_server = std::make_unique<TestServer>(config);
    QVERIFY_OK(m_server->start());
    m_http = std::make_unique<HttpRobot>();
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);
}

void TestServerErrors::cleanup()
{
    m_robot.reset();
    m_http.reset();
    m_server.reset();
}

QString TestServerErrors::onboardingToken(AuthorizationRequest *request, const QString &email, bool verified)
{
    *request = m_robot->newRequest();
    return m_robot->onboardingTokenFor(*request, QStringLiteral("google"),
                                       QStringLiteral("g-") + QString::fromLatin1(Pkce::generateVerifier().left(8)),
                                       email, verified, QStringLiteral("Erin Error"));
}

HttpResult TestServerErrors::onboardWith(const QJsonObject &replace, const QByteArray &idempotencyKey)
{
    AuthorizationRequest request;
    const QString token = onboardingToken(&request);
    return m_robot->onboard(token, request.verifier, QStringLiteral("erin"), QString::fromLatin1(idempotencyKey),
                            replace);
}

// ---- /authorize: errors shown on the server's page, never redirected ----

void TestServerErrors::authorizeErrorPage_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::newRow("unknown client_id") << "client_id"
                                       << "evil-app";
    QTest::newRow("missing client_id") << "client_id"
                                       << "";
    QTest::newRow("https redirect") << "redirect_uri"
                                    << "https://127.0.0.1:5000/callback";
    QTest::newRow("localhost redirect") << "redirect_uri"
                                        << "http://localhost:5000/callback";
    QTest::newRow("other host") << "redirect_uri"
                                << "http://attacker.example:5000/callback";
    QTest::newRow("other path") << "redirect_uri"
                                << "http://127.0.0.1:5000/steal";
    QTest::newRow("no port") << "redirect_uri"
                             << "http://127.0.0.1/callback";
    QTest::newRow("missing redirect_uri") << "redirect_uri"
                                          << "";
    // RFC 8252 7.3: only the port may differ from the registered URI; every
    // other spelling is another URI, however a URL parser would normalize it.
    const struct
    {
        const char *name;
        const char *uri;
    } refused[] = {
        {"dot segments after", "http://127.0.0.1:5000/callback/../callback"},
        {"dot segments before", "http://127.0.0.1:5000/x/../callback"},
        {"dot segment", "http://127.0.0.1:5000/./callback"},
        {"percent-encoded letter", "http://127.0.0.1:5000/call%62ack"},
        {"percent-encoded slash", "http://127.0.0.1:5000/callback%2F"},
        {"double slash", "http://127.0.0.1:5000//callback"},
        {"trailing slash", "http://127.0.0.1:5000/callback/"},
        {"uppercase path", "http://127.0.0.1:5000/CALLBACK"},
        {"path parameter", "http://127.0.0.1:5000/callback;x"},
        {"userinfo", "http://user@127.0.0.1:5000/callback"},
        {"empty userinfo", "http://@127.0.0.1:5000/callback"},
        {"userinfo host trick", "http://127.0.0.1:5000@attacker.example/callback"},
        {"query", "http://127.0.0.1:5000/callback?x=1"},
        {"empty query", "http://127.0.0.1:5000/callback?"},
        {"fragment", "http://127.0.0.1:5000/callback#f"},
        {"empty fragment", "http://127.0.0.1:5000/callback#"},
        {"uppercase scheme", "HTTP://127.0.0.1:5000/callback"},
        {"mixed-case scheme", "Http://127.0.0.1:5000/callback"},
        {"short IPv4", "http://127.1:5000/callback"},
        {"hex IPv4", "http://0x7f.0.0.1:5000/callback"},
        {"octal IPv4", "http://0177.0.0.1:5000/callback"},
        {"integer IPv4", "http://2130706433:5000/callback"},
        {"trailing dot", "http://127.0.0.1.:5000/callback"},
        {"long IPv6", "http://[0:0:0:0:0:0:0:1]:5000/callback"},
        {"IPv4-mapped IPv6", "http://[::ffff:127.0.0.1]:5000/callback"},
        {"IPv6 without brackets", "http://::1:5000/callback"},
        {"leading zero in port", "http://127.0.0.1:05000/callback"},
        {"port 0", "http://127.0.0.1:0/callback"},
        {"port 65536", "http://127.0.0.1:65536/callback"},
        {"empty port", "http://127.0.0.1:/callback"},
        {"sign in port", "http://127.0.0.1:+5000/callback"},
        {"one slash", "http:/127.0.0.1:5000/callback"},
        {"backslashes", "http:\\\\127.0.0.1:5000\\callback"},
        {"leading space", " http://127.0.0.1:5000/callback"},
        {"trailing space", "http://127.0.0.1:5000/callback "},
        {"trailing newline", "http://127.0.0.1:5000/callback\n"},
    };
    for (const auto &row : refused)
        QTest::newRow(row.name) << "redirect_uri" << QString::fromUtf8(row.uri);
    QTest::newRow("NUL after") << "redirect_uri" << (QStringLiteral("http://127.0.0.1:5000/callback") + QChar(0) + u'x');
}

void TestServerErrors::authorizeAcceptsLoopbackRedirect_data()
{
    QTest::addColumn<QString>("redirectUri");
    QTest::newRow("IPv4, one port") << "http://127.0.0.1:1234/callback";
    QTest::newRow("IPv4, another port") << "http://127.0.0.1:5678/callback";
    QTest::newRow("IPv4, port 1") << "http://127.0.0.1:1/callback";
    QTest::newRow("IPv4, port 65535") << "http://127.0.0.1:65535/callback";
    QTest::newRow("IPv6") << "http://[::1]:5678/callback";
}

void TestServerErrors::authorizeAcceptsLoopbackRedirect()
{
    QFETCH(QString, redirectUri);
    const AuthorizationRequest request = m_robot->newRequest();
    const HttpResult page = m_http->get(m_robot->authorizeUrl(request, {{QStringLiteral("redirect_uri"), redirectUri}}));
    QCOMPARE(page.status, 200); // the sign-in page
    QVERIFY(page.header("Content-Type").startsWith("text/html"));
}

void TestServerErrors::tokenRedirectUriExact_data()
{
    QTest::addColumn<QString>("pattern"); // %1: the port the code was issued for
    QTest::newRow("another port") << "http://127.0.0.1:1/callback";
    QTest::newRow("IPv6 for IPv4") << "http://[::1]:%1/callback";
    QTest::newRow("uppercase scheme") << "HTTP://127.0.0.1:%1/callback";
    QTest::newRow("leading zero in port") << "http://127.0.0.1:0%1/callback";
    QTest::newRow("trailing slash") << "http://127.0.0.1:%1/callback/";
    QTest::newRow("percent-encoded letter") << "http://127.0.0.1:%1/call%62ack";
    QTest::newRow("short IPv4") << "http://127.1:%1/callback";
    QTest::newRow("empty query") << "http://127.0.0.1:%1/callback?";
}

void TestServerErrors::tokenRedirectUriExact()
{
    QFETCH(QString, pattern);
    const AuthorizationRequest request = m_robot->newRequest();
    const QString code = m_robot->signInWithPersona(request, QStringLiteral("github"), QStringLiteral("returning"))
                             .queryItemValue(QStringLiteral("code"));
    QVERIFY(!code.isEmpty());
    AuthorizationRequest other = request;
    other.redirectUri = pattern.arg(QUrl(request.redirectUri).port());
    const HttpResult wrong = m_robot->exchangeCode(other, code);
    QCOMPARE(wrong.status, 400);
    QCOMPARE(wrong.json().value(QLatin1String("error")).toString(), QStringLiteral("invalid_grant"));
}

void TestServerErrors::authorizeErrorPage()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    const AuthorizationRequest request = m_robot->newRequest();
    const QUrl url = value.isEmpty() ? m_robot->authorizeUrl(request, {}, {name})
                                     : m_robot->authorizeUrl(request, {{name, value}});
    const HttpResult page = m_http->get(url);
    QCOMPARE(page.status, 400);
    QVERIFY(page.header("Location").isEmpty());
    QVERIFY(page.header("Content-Type").startsWith("text/html"));
    QVERIFY(!page.body.contains("evil-app\"")); // echoed text is escaped, never raw in markup
}

// ---- /authorize: errors sent back to the app ----

void TestServerErrors::authorizeErrorRedirect_data()
{
    QTest::addColumn<FieldList>("replace");
    QTest::addColumn<QStringList>("omit");
    QTest::addColumn<QString>("error");
    QTest::newRow("missing code_challenge") << FieldList{} << QStringList{"code_challenge"} << "invalid_request";
    QTest::newRow("plain PKCE") << FieldList{{"code_challenge_method", "plain"}} << QStringList{} << "invalid_request";
    QTest::newRow("missing PKCE method") << FieldList{} << QStringList{"code_challenge_method"} << "invalid_request";
    QTest::newRow("challenge not a hash")
        << FieldList{{"code_challenge", "short"}} << QStringList{} << "invalid_request";
    QTest::newRow("missing state") << FieldList{} << QStringList{"state"} << "invalid_request";
    QTest::newRow("missing nonce") << FieldList{} << QStringList{"nonce"} << "invalid_request";
    QTest::newRow("response_type token") << FieldList{{"response_type", "token"}} << QStringList{}
                                         << "unsupported_response_type";
    QTest::newRow("missing response_type") << FieldList{} << QStringList{"response_type"} << "invalid_request";
    QTest::newRow("unknown scope") << FieldList{{"scope", "openid admin"}} << QStringList{} << "invalid_scope";
    QTest::newRow("no openid scope") << FieldList{{"scope", "profile"}} << QStringList{} << "invalid_scope";
    QTest::newRow("prompt none") << FieldList{{"prompt", "none"}} << QStringList{} << "login_required";
    QTest::newRow("cancelled by the user") << FieldList{} << QStringList{} << "access_denied";
}

void TestServerErrors::authorizeErrorRedirect()
{
    QFETCH(FieldList, replace);
    QFETCH(QStringList, omit);
    QFETCH(QString, error);
    const AuthorizationRequest request = m_robot->newRequest();
    QUrlQuery answer;
    if (error == QLatin1String("access_denied")) {
        answer = m_robot->cancelAt(request, QStringLiteral("github"));
    } else {
        const HttpResult redirect = m_http->get(m_robot->authorizeUrl(request, replace, omit));
        QCOMPARE(redirect.status, 302);
        const QUrl location = redirect.location();
        QCOMPARE(location.toString(QUrl::RemoveQuery), request.redirectUri);
        answer = QUrlQuery(location);
    }
    QCOMPARE(answer.queryItemValue(QStringLiteral("error")), error);
    QVERIFY(!answer.queryItemValue(QStringLiteral("error_description")).isEmpty());
    QCOMPARE(answer.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded), m_server->issuer());
    QCOMPARE(answer.queryItemValue(QStringLiteral("state")),
             omit.contains(QLatin1String("state")) ? QString() : request.state);
    QVERIFY(!answer.hasQueryItem(QStringLiteral("code")));
}

// ---- token, onboard, username-check, userinfo, revoke, and general rows ----

TestServerErrors::Scenario TestServerErrors::scenario(const QString &name)
{
    const QUrl tokenUrl = m_server->url(QStringLiteral("/token"));
    const QUrl onboardUrl = m_server->url(QStringLiteral("/api/account/onboard"));
    const QUrl userinfoUrl = m_server->url(QStringLiteral("/userinfo"));
    const QUrl revokeUrl = m_server->url(QStringLiteral("/revoke"));
    auto codeFor = [this](AuthorizationRequest *request) {
        *request = m_robot->newRequest();
        return m_robot->signInWithPersona(*request, QStringLiteral("google"), QStringLiteral("returning"))
            .queryItemValue(QStringLiteral("code"));
    };
    auto codeGrant = [this, codeFor](const std::function<void(FieldList &, AuthorizationRequest &)> &change) {
        AuthorizationRequest request;
        const QString code = codeFor(&request);
        FieldList fields{{"grant_type", "authorization_code"},
                         {"code", code},
                         {"redirect_uri", request.redirectUri},
                         {"client_id", ClientId},
                         {"code_verifier", QString::fromLatin1(request.verifier)}};
        change(fields, request);
        return token(fields);
    };
    auto set = [](FieldList &fields, const QString &key, const QString &value) {
        for (auto &field : fields) {
            if (field.first == key)
                field.second = value;
        }
    };
    auto bearer = [](const QString &token) { return HeaderList{{"Authorization", "Bearer " + token.toLatin1()}}; };

    const QHash<QString, Scenario> scenarios{
        // token endpoint
        {"token: form content type required",
         [=, this] {
             return m_http->postJson(tokenUrl, {{"grant_type", "refresh_token"}});
         }},
        {"token: missing grant_type",
         [=, this] {
             return token({{"client_id", ClientId}});
         }},
        {"token: unsupported grant_type",
         [=, this] {
             return token({{"grant_type", "password"}, {"client_id", ClientId}});
         }},
        {"token: missing client_id",
         [=, this] {
             return token({{"grant_type", "refresh_token"}, {"refresh_token", "x"}});
         }},
        {"token: unknown client",
         [=, this] {
             return token({{"grant_type", "refresh_token"}, {"client_id", "evil"}});
         }},
        {"token: client secret sent",
         [=, this] {
             return token({{"grant_type", "refresh_token"}, {"client_id", ClientId}, {"client_secret", "s"}});
         }},
        {"token: duplicate parameter",
         [=, this] {
             return token({{"grant_type", "refresh_token"}, {"client_id", ClientId}, {"client_id", ClientId}});
         }},
        {"token: missing code",
         [=] { return codeGrant([](FieldList &f, auto &) { f.removeIf([](auto &x) { return x.first == "code"; }); }); }},
        {"token: missing code_verifier",
         [=] {
             return codeGrant(
                 [](FieldList &f, auto &) { f.removeIf([](auto &x) { return x.first == "code_verifier"; }); });
         }},
        {"token: unknown code", [=] { return codeGrant([=](FieldList &f, auto &) { set(f, "code", "bogus"); }); }},
        {"token: wrong code_verifier",
         [=] {
             return codeGrant(
                 [=](FieldList &f, auto &) { set(f, "code_verifier", QString::fromLatin1(Pkce::generateVerifier())); });
         }},
        {"token: malformed code_verifier",
         [=] { return codeGrant([=](FieldList &f, auto &) { set(f, "code_verifier", "short"); }); }},
        {"token: redirect_uri with another port",
         [=] {
             return codeGrant([=](FieldList &f, auto &r) {
                 set(f, "redirect_uri", QString(r.redirectUri).replace(QStringLiteral(":"), QStringLiteral(":1")));
             });
         }},
        {"token: expired code",
         [=, this] { return codeGrant([this](FieldList &, auto &) { m_server->clock().advance(61); }); }},
        {"token: missing refresh_token",
         [=, this] {
             return token({{"grant_type", "refresh_token"}, {"client_id", ClientId}});
         }},
        {"token: unknown refresh_token",
         [=, this] {
             return token({{"grant_type", "refresh_token"}, {"client_id", ClientId}, {"refresh_token", "nope"}});
         }},
        // onboard
        {"onboard: JSON content type required",
         [=, this] {
             return m_http->postForm(onboardUrl, {{"username", "x"}}, {{"Idempotency-Key", "k"}});
         }},
        {"onboard: malformed JSON",
         [=, this] {
             return m_http->send("POST", onboardUrl,
                                 "{\"username\":", {{"Content-Type", "application/json"}, {"Idempotency-Key", "k"}});
         }},
        {"onboard: missing username",
         [=, this] {
             return onboardWith({{"username", QJsonValue::Null}});
         }},
        {"onboard: username not a string",
         [=, this] {
             return onboardWith({{"username", 42}});
         }},
        {"onboard: missing Idempotency-Key", [=, this] { return onboardWith({}, ""); }},
        {"onboard: invalid username",
         [=, this] {
             return onboardWith({{"username", "Bad Name"}});
         }},
        {"onboard: reserved username",
         [=, this] {
             return onboardWith({{"username", "admin"}});
         }},
        {"onboard: terms not accepted",
         [=, this] {
             return onboardWith({{"accepted_terms", QJsonValue::Null}});
         }},
        {"onboard: stale terms",
         [=, this] {
             return onboardWith({{"accepted_terms", "2020-01-01"}});
         }},
        {"onboard: forged signature",
         [=, this] {
             AuthorizationRequest request;
             const QString real = onboardingToken(&request);
             const auto decoded = Jws::decodeUnverified(real.toLatin1());
             Jwk foreign = Jwk::generate(Jwk::Type::EcP256);
             foreign.setKid(decoded.header.value("kid").toString());
             const QString forged = QString::fromLatin1(
                 Jws::sign({{"typ", "onboarding+jwt"}}, decoded.payload, foreign));
             return m_robot->onboard(forged, request.verifier, "erin", "k");
         }},
        {"onboard: ID token instead",
         [=, this] {
             AuthorizationRequest request;
             const QString code = codeFor(&request);
             const QString idToken = m_robot->exchangeCode(request, code).json().value("id_token").toString();
             return m_robot->onboard(idToken, request.verifier, "erin", "k");
         }},
        {"onboard: other client_id",
         [=, this] {
             return onboardWith({{"client_id", "someone-else"}});
         }},
        {"onboard: expired token",
         [=, this] {
             AuthorizationRequest request;
             const QString t = onboardingToken(&request);
             m_server->clock().advance(601);
             return m_robot->onboard(t, request.verifier, "erin", "k");
         }},
        {"onboard: proof mismatch",
         [=, this] {
             return onboardWith({{"code_verifier", QString::fromLatin1(Pkce::generateVerifier())}});
         }},
        {"onboard: username taken",
         [=, this] {
             return onboardWith({{"username", "rita"}});
         }},
        {"onboard: already completed",
         [=, this] {
             AuthorizationRequest request;
             const QString t = onboardingToken(&request);
             m_robot->onboard(t, request.verifier, "first", "wizard-a");
             return m_robot->onboard(t, request.verifier, "second", "wizard-b");
         }},
        {"onboard: identity linked meanwhile",
         [=, this] {
             AuthorizationRequest a = m_robot->newRequest();
             AuthorizationRequest b = m_robot->newRequest();
             const QString ta = m_robot->onboardingTokenFor(a, "github", "twice");
             const QString tb = m_robot->onboardingTokenFor(b, "github", "twice");
             m_robot->onboard(ta, a.verifier, "first", "k");
             return m_robot->onboard(tb, b.verifier, "second", "k");
         }},
        {"onboard: email in use",
         [=, this] {
             AuthorizationRequest request;
             const QString t = onboardingToken(&request, "rita@example.com", true);
             return m_robot->onboard(t, request.verifier, "erin", "k");
         }},
        {"onboard: body over 64 KiB",
         [=, this] {
             return m_http->send("POST", onboardUrl, QByteArray(70 * 1024, ' '), {{"Content-Type", "application/json"}});
         }},
        // username check
        {"username-check: no token",
         [=, this] { return m_http->get(m_server->url("/api/account/username-check?username=abc")); }},
        {"username-check: garbage token", [=, this] { return m_robot->usernameCheck("not-a-jwt", "abc"); }},
        {"username-check: expired token",
         [=, this] {
             AuthorizationRequest request;
             const QString t = onboardingToken(&request);
             m_server->clock().advance(601);
             return m_robot->usernameCheck(t, "abc");
         }},
        {"username-check: missing username",
         [=, this] {
             AuthorizationRequest request;
             return m_http->get(m_server->url("/api/account/username-check"), bearer(onboardingToken(&request)));
         }},
        // userinfo
        {"userinfo: no token", [=, this] { return m_http->get(userinfoUrl); }},
        {"userinfo: garbage token", [=, this] { return m_http->get(userinfoUrl, bearer("abc.def.ghi")); }},
        {"userinfo: onboarding token",
         [=, this] {
             AuthorizationRequest request;
             return m_http->get(userinfoUrl, bearer(onboardingToken(&request)));
         }},
        {"userinfo: expired access token",
         [=, this] {
             AuthorizationRequest request;
             const QString at = m_robot->exchangeCode(request, codeFor(&request)).json().value("access_token").toString();
             m_server->clock().advance(901);
             return m_http->get(userinfoUrl, bearer(at));
         }},
        // revoke
        {"revoke: missing token",
         [=, this] {
             return m_http->postForm(revokeUrl, {{"client_id", ClientId}});
         }},
        {"revoke: missing client_id",
         [=, this] {
             return m_http->postForm(revokeUrl, {{"token", "x"}});
         }},
        {"revoke: unknown client",
         [=, this] {
             return m_http->postForm(revokeUrl, {{"token", "x"}, {"client_id", "evil"}});
         }},
        {"revoke: form content type required",
         [=, this] {
             return m_http->postJson(revokeUrl, {{"token", "x"}});
         }},
        {"revoke: unknown token is fine",
         [=, this] {
             return m_http->postForm(revokeUrl, {{"token", "x"}, {"client_id", ClientId}});
         }},
        // general
        {"unknown path", [=, this] { return m_http->get(m_server->url("/nope")); }},
        {"wrong method", [=, this] { return m_http->get(tokenUrl); }},
        {"body over 64 KiB to /token",
         [=, this] {
             return m_http->send("POST", tokenUrl, QByteArray(65 * 1024 + 1, 'a'),
                                 {{"Content-Type", "application/x-www-form-urlencoded"}});
         }},
    };
    return scenarios.value(name);
}

void TestServerErrors::apiErrors_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("extra"); // a field the body must have, or "reason=..."
    auto row = [](const char *name, int status, const char *error, const char *extra = "") {
        QTest::newRow(name) << status << QString::fromLatin1(error) << QString::fromLatin1(extra);
    };
    row("token: form content type required", 400, "invalid_request");
    row("token: missing grant_type", 400, "invalid_request");
    row("token: unsupported grant_type", 400, "unsupported_grant_type");
    row("token: missing client_id", 400, "invalid_request");
    row("token: unknown client", 401, "invalid_client");
    row("token: client secret sent", 401, "invalid_client");
    row("token: duplicate parameter", 400, "invalid_request");
    row("token: missing code", 400, "invalid_request");
    row("token: missing code_verifier", 400, "invalid_request");
    row("token: unknown code", 400, "invalid_grant");
    row("token: wrong code_verifier", 400, "invalid_grant");
    row("token: malformed code_verifier", 400, "invalid_grant");
    row("token: redirect_uri with another port", 400, "invalid_grant");
    row("token: expired code", 400, "invalid_grant");
    row("token: missing refresh_token", 400, "invalid_request");
    row("token: unknown refresh_token", 400, "invalid_grant");
    row("onboard: JSON content type required", 400, "invalid_request");
    row("onboard: malformed JSON", 400, "invalid_request");
    row("onboard: missing username", 400, "invalid_request");
    row("onboard: username not a string", 400, "invalid_request");
    row("onboard: missing Idempotency-Key", 400, "invalid_request");
    row("onboard: invalid username", 400, "invalid_username", "reason=invalid_character");
    row("onboard: reserved username", 400, "invalid_username", "reason=reserved");
    row("onboard: terms not accepted", 400, "terms_not_accepted", "terms_version");
    row("onboard: stale terms", 400, "terms_not_accepted", "terms_version");
    row("onboard: forged signature", 401, "invalid_token", "reason=signature");
    row("onboard: ID token instead", 401, "invalid_token", "reason=type");
    row("onboard: other client_id", 401, "invalid_token", "reason=audience");
    row("onboard: expired token", 401, "invalid_token", "reason=expired");
    row("onboard: proof mismatch", 401, "invalid_token", "reason=proof");
    row("onboard: username taken", 409, "username_taken", "suggestions");
    row("onboard: already completed", 409, "onboarding_already_completed");
    row("onboard: identity linked meanwhile", 409, "onboarding_already_completed");
    row("onboard: email in use", 409, "email_in_use", "providers");
    row("onboard: body over 64 KiB", 413, "invalid_request");
    row("username-check: no token", 401, "invalid_token", "header=WWW-Authenticate");
    row("username-check: garbage token", 401, "invalid_token", "header=WWW-Authenticate");
    row("username-check: expired token", 401, "invalid_token", "reason=expired");
    row("username-check: missing username", 400, "invalid_request");
    row("userinfo: no token", 401, "invalid_token", "header=WWW-Authenticate");
    row("userinfo: garbage token", 401, "invalid_token", "header=WWW-Authenticate");
    row("userinfo: onboarding token", 401, "invalid_token");
    row("userinfo: expired access token", 401, "invalid_token");
    row("revoke: missing token", 400, "invalid_request");
    row("revoke: missing client_id", 400, "invalid_request");
    row("revoke: unknown client", 401, "invalid_client");
    row("revoke: form content type required", 400, "invalid_request");
    row("revoke: unknown token is fine", 200, "");
    row("unknown path", 404, "not_found");
    row("wrong method", 405, "method_not_allowed", "header=Allow");
    row("body over 64 KiB to /token", 413, "invalid_request");
}

void TestServerErrors::apiErrors()
{
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(QString, extra);
    const Scenario run = scenario(QString::fromLatin1(QTest::currentDataTag()));
    QVERIFY2(run, "no scenario for this row");
    const HttpResult result = run();
    QCOMPARE(result.status, status);
    QVERIFY(result.header("Content-Type").startsWith("application/json"));
    const QJsonObject body = result.json();
    QCOMPARE(body.value(QLatin1String("error")).toString(), error);
    if (!error.isEmpty())
        QVERIFY(!body.value(QLatin1String("error_description")).toString().isEmpty());
    if (extra.startsWith(QLatin1String("reason=")))
        QCOMPARE(body.value(QLatin1String("reason")).toString(), extra.mid(7));
    else if (extra.startsWith(QLatin1String("header=")))
        QVERIFY(!result.header(extra.mid(7).toLatin1()).isEmpty());
    else if (!extra.isEmpty())
        QVERIFY2(body.contains(extra) && !body.value(extra).isNull(), qPrintable(extra));
    if (error == QLatin1String("username_taken") || error == QLatin1String("email_in_use")) {
        const QJsonArray list = body.value(extra).toArray();
        QVERIFY(!list.isEmpty());
    }
    // Nothing internal leaks into an error.
    QVERIFY(!result.body.contains("sqlite"));
    QVERIFY(!result.body.contains(m_server->dataDir().toUtf8()));
}

void TestServerErrors::rateLimits_data()
{
    QTest::addColumn<bool>("onboard");
    QTest::newRow("onboard") << true;
    QTest::newRow("username-check") << false;
}

void TestServerErrors::rateLimits()
{
    QFETCH(bool, onboard);
    AuthorizationRequest request;
    const QString t = onboardingToken(&request);
    HttpResult last;
    for (int i = 0; i < 6; ++i) {
        last = onboard ? m_robot->onboard(t, request.verifier, QStringLiteral("rita"), QStringLiteral("k"))
                       : m_robot->usernameCheck(t, QStringLiteral("rita"));
        if (i < 5)
            QVERIFY(last.status != 429);
    }
    QCOMPARE(last.status, 429);
    QCOMPARE(last.json().value(QLatin1String("error")).toString(), QStringLiteral("slow_down"));
    QVERIFY(last.header("Retry-After").toInt() >= 1);
}

// ---- the log: request-controlled text cannot forge lines ----

namespace {
QStringList capturedRequestLines;

void captureRequestLines(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "latchkey.request") == 0)
        capturedRequestLines.append(message);
}

struct RequestLogCapture
{
    RequestLogCapture()
        : previous(qInstallMessageHandler(captureRequestLines))
    {
        capturedRequestLines.clear();
    }
    ~RequestLogCapture() { qInstallMessageHandler(previous); }
    QtMessageHandler previous;
};
} // namespace

void TestServerErrors::requestLogLineIsOneLine_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::newRow("LF") << QByteArray("/x%0aforged");
    QTest::newRow("CR LF") << QByteArray("/x%0d%0aforged");
    QTest::newRow("LF on a real route") << QByteArray("/token%0aforged");
    QTest::newRow("escape sequence") << QByteArray("/x%1b[2Kforged");
    QTest::newRow("NUL and DEL") << QByteArray("/x%00%7fforged");
    QTest::newRow("line separator U+2028") << QByteArray("/x%e2%80%a8forged");
}

void TestServerErrors::requestLogLineIsOneLine()
{
    QFETCH(QByteArray, path);
    std::optional<RequestLogCapture> capture(std::in_place);
    // A raw socket: the bytes of the request line exactly as an attacker sends them.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->url(QString()).port()));
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(!capturedRequestLines.isEmpty(), 5000);
    QTest::qWait(50); // a second, forged line would come with the same request
    capture.reset();

    QCOMPARE(capturedRequestLines.size(), 1);
    const QString line = capturedRequestLines.first();
    QVERIFY2(line.contains(QLatin1String("forged")), qPrintable(line));
    for (const QChar c : line) {
        QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f && c.category() != QChar::Separator_Line
                     && c.category() != QChar::Separator_Paragraph,
                 qPrintable(QStringLiteral("U+%1 in the log line").arg(c.unicode(), 4, 16, QLatin1Char('0'))));
    }
}

QTEST_GUILESS_MAIN(TestServerErrors)
#include "TestServerErrors.moc"
