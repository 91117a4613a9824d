// Linking sign-in methods (PROTOCOL.md 6.5), through HTTP against a real
// server in QA mode, on SQLite and PostgreSQL: from email_in_use, from a
// signed-in session, every way a link sign-in can end, replays, races,
// re-authentication, the last identity, and onboarding tokens whose code
// recorded another identity than their claims say.

#include "Clock.h"
#include "Database.h"
#include "DatabaseUrl.h"
#include "Jws.h"
#include "KeyCipher.h"
#include "KeyStore.h"
#include "Pkce.h"
#include "Protocol.h"
#include "ResultAssert.h"
#include "SignInRobot.h"
#include "TestServer.h"
#include "TokenIssuer.h"
#include "TokenStore.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

namespace {
const QString ClientId = QLatin1String(Protocol::DefaultClientId);
// The QA fixtures' Sam signs in with GitHub only; his email is verified.
const QString SamEmail = QStringLiteral("sam@example.com");

QString claimOf(const HttpResult &tokenResponse, const char *name)
{
    return Jws::decodeUnverified(tokenResponse.json().value(QLatin1String("id_token")).toString().toLatin1())
        .payload.value(QLatin1String(name))
        .toString();
}

// What the app's loopback receives, a code or an error.
struct Ending
{
    QString code;
    QString error;
    QString linkError;
    QString description;
};

Ending endingOf(const QUrlQuery &callback)
{
    auto value = [&callback](const char *name) {
        return callback.queryItemValue(QLatin1String(name), QUrl::FullyDecoded);
    };
    return {value("code"), value("error"), value("link_error"), value("error_description")};
}
} // namespace

class TestLinking : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data() { TestDatabase::addBackendRows(); }
    void init();
    void cleanup();

    void discoveryNamesTheEndpoints();
    void linkFromEmailInUse();
    void linkSignInEndings_data();
    void linkSignInEndings();
    void linkIdIsSingleUse();
    void linkIdExpires();
    void linkRequestNeedsTheProof_data();
    void linkRequestNeedsTheProof();
    void concurrentLinksOneWins();
    void addFromSession();
    void addOtherAccountsIdentity();
    void changesNeedRecentSignIn();
    void lastIdentityStays();
    void olderTokenCreatesNothing();
    void qaPersonaSamWalksTheLink();
    void upgradedIdentitiesAdoptTheirIssuer();

private:
    // A new identity at `provider` whose verified email is Sam's: its onboarding token.
    QString emailInUseToken(AuthorizationRequest *request, const QString &provider = QStringLiteral("google"),
                            const QString &userId = QStringLiteral("g-sam"));
    HttpResult linkRequest(const QString &token, const AuthorizationRequest &request);
    // A sign-in with link_id: to the provider page, then submitted with `fields`.
    Ending linkSignIn(const QString &linkId, const QString &provider, const FieldList &fields,
                      AuthorizationRequest *request, int *authorizeStatus = nullptr);
    // Sam (GitHub qa-sam) signed in: the token response.
    HttpResult signInSam();
    HttpResult bearer(const QByteArray &verb, const QString &path, const QString &accessToken,
                      const QJsonObject &body = {});
    QStringList identitiesOf(const QString &accessToken);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
    std::unique_ptr<SignInRobot> m_robot;
};

void TestLinking::init()
{
    LATCHKEY_USE_BACKEND();
    m_server = std::make_unique<TestServer>();
    QVERIFY_OK(m_server->start());
    m_http = std::make_unique<HttpRobot>();
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);
}

void TestLinking::cleanup()
{
    m_robot.reset();
    m_http.reset();
    m_server.reset();
}

QString TestLinking::emailInUseToken(AuthorizationRequest *request, const QString &provider, const QString &userId)
{
    *request = m_robot->newRequest();
    return m_robot->onboardingTokenFor(*request, provider, userId, SamEmail, true, QStringLiteral("Sam Elsewhere"));
}

HttpResult TestLinking::linkRequest(const QString &token, const AuthorizationRequest &request)
{
    return m_http->postJson(m_server->url(QStringLiteral("/api/account/link-request")),
                            {{QStringLiteral("onboarding_token"), token},
                             {QStringLiteral("code_verifier"), QString::fromLatin1(request.verifier)},
                             {QStringLiteral("client_id"), ClientId}});
}

Ending TestLinking::linkSignIn(const QString &linkId, const QString &provider, const FieldList &fields,
                               AuthorizationRequest *request, int *authorizeStatus)
{
    *request = m_robot->newRequest();
    const HttpResult authorized = m_http->get(
        m_robot->authorizeUrl(*request, {{QStringLiteral("provider"), provider}, {QStringLiteral("link_id"), linkId}}));
    if (authorizeStatus)
        *authorizeStatus = authorized.status;
    const QUrl next = authorized.location();
    if (next.path() != QStringLiteral("/signin/") + provider) // ended at /authorize: the app's redirect
        return endingOf(QUrlQuery(next));
    const QString requestId = QUrlQuery(next).queryItemValue(QStringLiteral("request"));
    const QUrl page = m_robot->openProviderPage(requestId, provider);
    if (page.isEmpty())
        return {};
    return endingOf(m_robot->submitProviderPage(page, fields));
}

HttpResult TestLinking::signInSam()
{
    const AuthorizationRequest request = m_robot->newRequest();
    const QUrlQuery callback = m_robot->signInAs(request, QStringLiteral("github"), QStringLiteral("qa-sam"), SamEmail,
                                                 true, QStringLiteral("Sam Existing"));
    return m_robot->exchangeCode(request, callback.queryItemValue(QStringLiteral("code")));
}

HttpResult TestLinking::bearer(const QByteArray &verb, const QString &path, const QString &accessToken,
                               const QJsonObject &body)
{
    HeaderList headers{{"Authorization", "Bearer " + accessToken.toLatin1()}};
    if (!body.isEmpty())
        headers.append(std::pair<QByteArray, QByteArray>("Content-Type", "application/json"));
    return m_http->send(verb, m_server->url(path), body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(),
                        headers);
}

QStringList TestLinking::identitiesOf(const QString &accessToken)
{
    const HttpResult listed = bearer("GET", QStringLiteral("/api/account/identities"), accessToken);
    QStringList providers;
    for (const QJsonValue &item : listed.json().value(QLatin1String("identities")).toArray())
        providers.append(item.toObject().value(QLatin1String("provider_id")).toString());
    return providers;
}

void TestLinking::discoveryNamesTheEndpoints()
{
    const QJsonObject discovery = m_http->get(m_server->url(QLatin1String(Protocol::DiscoveryPath))).json();
    QCOMPARE(discovery.value(QLatin1String("link_request_endpoint")).toString(),
             m_server->issuer() + QStringLiteral("/api/account/link-request"));
    QCOMPARE(discovery.value(QLatin1String("identities_endpoint")).toString(),
             m_server->issuer() + QStringLiteral("/api/account/identities"));
}

// Sam signed up with GitHub; now he tries Google with the same verified email.
void TestLinking::linkFromEmailInUse()
{
    AuthorizationRequest first;
    const QString token = emailInUseToken(&first);
    QVERIFY(!token.isEmpty());
    const HttpResult refused = m_robot->onboard(token, first.verifier, QStringLiteral("sam2"), QStringLiteral("k"));
    QCOMPARE(refused.status, 409);
    QCOMPARE(refused.json().value(QLatin1String("error")).toString(), QStringLiteral("email_in_use"));
    QCOMPARE(refused.json().value(QLatin1String("link_available")).toBool(), true);
    QCOMPARE(refused.json().value(QLatin1String("providers")).toArray(), QJsonArray({QStringLiteral("GitHub")}));

    const HttpResult asked = linkRequest(token, first);
    QCOMPARE(asked.status, 201);
    const QString linkId = asked.json().value(QLatin1String("link_id")).toString();
    QVERIFY(linkId.size() >= 22); // at least 128 bits
    QCOMPARE(asked.json().value(QLatin1String("expires_in")).toInt(), 600);
    QCOMPARE(asked.json().value(QLatin1String("providers")).toArray(),
             QJsonArray({QJsonObject{{"id", "github"}, {"name", "GitHub"}}}));

    AuthorizationRequest second;
    const Ending ending = linkSignIn(linkId, QStringLiteral("github"),
                                     {{QStringLiteral("provider_user_id"), QStringLiteral("qa-sam")},
                                      {QStringLiteral("email"), SamEmail},
                                      {QStringLiteral("email_verified"), QStringLiteral("true")},
                                      {QStringLiteral("action"), QStringLiteral("continue")}},
                                     &second);
    QVERIFY2(!ending.code.isEmpty(), qPrintable(ending.error + u' ' + ending.description));
    const HttpResult tokens = m_robot->exchangeCode(second, ending.code);
    QCOMPARE(tokens.status, 200);
    QCOMPARE(tokens.json().value(QLatin1String("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(tokens.json().value(QLatin1String("linked_provider")).toObject(),
             (QJsonObject{{"id", "google"}, {"name", "Google"}}));
    QCOMPARE(claimOf(tokens, "preferred_username"), QStringLiteral("sam"));
    const QString samId = claimOf(tokens, "sub");

    // Google now leads straight into Sam's account.
    AuthorizationRequest third = m_robot->newRequest();
    const QUrlQuery back = m_robot->signInAs(third, QStringLiteral("google"), QStringLiteral("g-sam"), SamEmail, true,
                                             QStringLiteral("Sam Elsewhere"));
    const HttpResult again = m_robot->exchangeCode(third, back.queryItemValue(QStringLiteral("code")));
    QCOMPARE(again.json().value(QLatin1String("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(claimOf(again, "sub"), samId);
    QVERIFY2(!again.json().contains(QLatin1String("linked_provider")), "a plain sign-in claimed a link");
    const QString access = again.json().value(QLatin1String("access_token")).toString();
    QStringList linked = identitiesOf(access);
    linked.sort();
    QCOMPARE(linked, QStringList({QStringLiteral("github"), QStringLiteral("google")}));

    // The onboarding token is spent: it creates no account now.
    const HttpResult late = m_robot->onboard(token, first.verifier, QStringLiteral("sam3"), QStringLiteral("k2"));
    QCOMPARE(late.status, 409);
    QCOMPARE(late.json().value(QLatin1String("error")).toString(), QStringLiteral("onboarding_already_completed"));
}

void TestLinking::linkSignInEndings_data()
{
    QTest::addColumn<FieldList>("fields");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("linkError");
    const QString continueAction = QStringLiteral("continue");
    QTest::newRow("another account (Rita)") << FieldList{{QStringLiteral("persona"), QStringLiteral("returning")}}
                                            << QStringLiteral("access_denied") << QStringLiteral("other_account");
    QTest::newRow("a new person") << FieldList{{QStringLiteral("persona"), QStringLiteral("new")}}
                                  << QStringLiteral("access_denied") << QStringLiteral("no_account");
    QTest::newRow("cancelled at the provider") << FieldList{{QStringLiteral("action"), QStringLiteral("cancel")}}
                                               << QStringLiteral("access_denied") << QStringLiteral("cancelled");
    QTest::newRow("provider down") << FieldList{{QStringLiteral("persona"), QStringLiteral("returning")},
                                                {QStringLiteral("fault"), QStringLiteral("provider-down")}}
                                   << QStringLiteral("temporarily_unavailable") << QStringLiteral("unavailable");
}

// Every way a link sign-in ends other than at the account: nothing linked, said so.
void TestLinking::linkSignInEndings()
{
    QFETCH(FieldList, fields);
    QFETCH(QString, error);
    QFETCH(QString, linkError);
    AuthorizationRequest first;
    const QString token = emailInUseToken(&first);
    const QString linkId = linkRequest(token, first).json().value(QLatin1String("link_id")).toString();
    QVERIFY(!linkId.isEmpty());
    AuthorizationRequest second;
    const Ending ending = linkSignIn(linkId, QStringLiteral("github"), fields, &second);
    QVERIFY(ending.code.isEmpty());
    QVERIFY2(ending.error == error, qPrintable(ending.error + u' ' + ending.description));
    QCOMPARE(ending.linkError, linkError);
    QVERIFY2(ending.description.contains(QLatin1String("Nothing was linked")), qPrintable(ending.description));
    // Google still leads to onboarding: nothing was linked.
    AuthorizationRequest third;
    QVERIFY(!emailInUseToken(&third).isEmpty());
    // The link is spent; the token is not: a new link request works.
    QCOMPARE(linkRequest(token, first).status, 201);
}

void TestLinking::linkIdIsSingleUse()
{
    AuthorizationRequest first;
    const QString token = emailInUseToken(&first);
    const QString linkId = linkRequest(token, first).json().value(QLatin1String("link_id")).toString();
    const AuthorizationRequest second = m_robot->newRequest();
    // The first sign-in takes it, even if it never finishes.
    QVERIFY(m_http
                ->get(m_robot->authorizeUrl(second,
                                            {{QStringLiteral("provider"), QStringLiteral("github")},
                                             {QStringLiteral("link_id"), linkId}}))
                .location()
                .path()
                .startsWith(QLatin1String("/signin/")));
    // The app opening the browser again sends the very same request: it goes on.
    QVERIFY(m_http
                ->get(m_robot->authorizeUrl(second,
                                            {{QStringLiteral("provider"), QStringLiteral("github")},
                                             {QStringLiteral("link_id"), linkId}}))
                .location()
                .path()
                .startsWith(QLatin1String("/signin/")));
    AuthorizationRequest third;
    const Ending replayed = linkSignIn(linkId, QStringLiteral("github"), {}, &third);
    QCOMPARE(replayed.error, QStringLiteral("access_denied"));
    QCOMPARE(replayed.linkError, QStringLiteral("expired"));
    // A made-up one is no better.
    const Ending unknown = linkSignIn(QStringLiteral("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), QStringLiteral("github"), {},
                                      &third);
    QCOMPARE(unknown.linkError, QStringLiteral("expired"));
}

void TestLinking::linkIdExpires()
{
    AuthorizationRequest first;
    const QString token = emailInUseToken(&first);
    const QString linkId = linkRequest(token, first).json().value(QLatin1String("link_id")).toString();
    m_server->clock().advance(601);
    AuthorizationRequest second;
    const Ending late = linkSignIn(linkId, QStringLiteral("github"), {}, &second);
    QCOMPARE(late.error, QStringLiteral("access_denied"));
    QCOMPARE(late.linkError, QStringLiteral("expired"));
}

void TestLinking::linkRequestNeedsTheProof_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("wrong verifier") << QStringLiteral("verifier") << 401 << QStringLiteral("invalid_token");
    QTest::newRow("no verifier") << QStringLiteral("no-verifier") << 400 << QStringLiteral("invalid_request");
    QTest::newRow("expired token") << QStringLiteral("expired") << 401 << QStringLiteral("invalid_token");
    QTest::newRow("email nobody holds") << QStringLiteral("free-email") << 409 << QStringLiteral("link_unavailable");
    QTest::newRow("not JSON") << QStringLiteral("form") << 400 << QStringLiteral("invalid_request");
}

void TestLinking::linkRequestNeedsTheProof()
{
    QFETCH(QString, change);
    QFETCH(int, status);
    QFETCH(QString, error);
    AuthorizationRequest request = m_robot->newRequest();
    const QString token = change == QLatin1String("free-email")
        ? m_robot->onboardingTokenFor(request, QStringLiteral("google"), QStringLiteral("g-free"),
                                      QStringLiteral("free@example.com"), true)
        : emailInUseToken(&request);
    QJsonObject body{{QStringLiteral("onboarding_token"), token},
                     {QStringLiteral("code_verifier"), QString::fromLatin1(request.verifier)},
                     {QStringLiteral("client_id"), ClientId}};
    if (change == QLatin1String("verifier"))
        body.insert(QStringLiteral("code_verifier"), QString::fromLatin1(Pkce::generateVerifier()));
    if (change == QLatin1String("no-verifier"))
        body.remove(QStringLiteral("code_verifier"));
    if (change == QLatin1String("expired"))
        m_server->clock().advance(601);
    const QUrl endpoint = m_server->url(QStringLiteral("/api/account/link-request"));
    const HttpResult answer = change == QLatin1String("form")
        ? m_http->postForm(endpoint, {{QStringLiteral("onboarding_token"), token}})
        : m_http->postJson(endpoint, body);
    QCOMPARE(answer.status, status);
    QCOMPARE(answer.json().value(QLatin1String("error")).toString(), error);
    QVERIFY(!answer.json().contains(QLatin1String("link_id")));
}

// Two link requests of one pending identity, finished at the same moment
// (each by a worker thread, or by another instance): one links, one is told.
void TestLinking::concurrentLinksOneWins()
{
    AuthorizationRequest first;
    const QString token = emailInUseToken(&first);
    QList<QUrl> pages;
    for (int i = 0; i < 2; ++i) {
        const QString linkId = linkRequest(token, first).json().value(QLatin1String("link_id")).toString();
        AuthorizationRequest request = m_robot->newRequest();
        const QUrl next = m_http
                              ->get(m_robot->authorizeUrl(request,
                                                          {{QStringLiteral("provider"), QStringLiteral("github")},
                                                           {QStringLiteral("link_id"), linkId}}))
                              .location();
        pages.append(m_robot->openProviderPage(QUrlQuery(next).queryItemValue(QStringLiteral("request")),
                                               QStringLiteral("github")));
        QVERIFY(!pages.last().isEmpty());
    }
    // The provider pages answer (302 to the broker's callback); then both callbacks at once.
    QList<QUrl> callbacks;
    for (const QUrl &page : std::as_const(pages)) {
        const QString state = QUrlQuery(page).queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
        const HttpResult answered = m_http->postForm(page.adjusted(QUrl::RemoveQuery),
                                                     {{QStringLiteral("state"), state},
                                                      {QStringLiteral("provider_user_id"), QStringLiteral("qa-sam")},
                                                      {QStringLiteral("email"), SamEmail},
                                                      {QStringLiteral("action"), QStringLiteral("continue")}});
        QCOMPARE(answered.status, 302);
        callbacks.append(answered.location());
    }
    QList<QNetworkReply *> replies;
    for (const QUrl &callback : std::as_const(callbacks))
        replies.append(m_http->start("GET", callback, {}, {}));
    int linked = 0;
    int told = 0;
    for (QNetworkReply *reply : std::as_const(replies)) {
        const QUrlQuery app(HttpRobot::collect(reply).location());
        if (!app.queryItemValue(QStringLiteral("code")).isEmpty())
            ++linked;
        else if (app.queryItemValue(QStringLiteral("link_error")) == QLatin1String("expired"))
            ++told;
    }
    QCOMPARE(linked, 1);
    QCOMPARE(told, 1);
}

// Signed in as Sam (GitHub), he adds Google from the sign-in methods.
void TestLinking::addFromSession()
{
    const HttpResult sam = signInSam();
    const QString access = sam.json().value(QLatin1String("access_token")).toString();
    QCOMPARE(identitiesOf(access), QStringList({QStringLiteral("github")}));
    const QJsonObject listed = bearer("GET", QStringLiteral("/api/account/identities"), access).json();
    const QJsonObject github = listed.value(QLatin1String("identities")).toArray().first().toObject();
    QCOMPARE(github.value(QLatin1String("provider")).toString(), QStringLiteral("GitHub"));
    QCOMPARE(github.value(QLatin1String("email")).toString(), SamEmail);
    QVERIFY(github.value(QLatin1String("linked_at")).toInteger() > 0);

    const HttpResult asked = bearer("POST", QStringLiteral("/api/account/link-request"), access,
                                    {{"client_id", ClientId}, {"provider", "google"}});
    QCOMPARE(asked.status, 201);
    QCOMPARE(asked.json().value(QLatin1String("providers")).toArray(),
             QJsonArray({QJsonObject{{"id", "google"}, {"name", "Google"}}}));
    AuthorizationRequest request;
    // The link names the provider: a request for another one still goes to Google.
    const Ending ending = linkSignIn(asked.json().value(QLatin1String("link_id")).toString(), QStringLiteral("google"),
                                     {{QStringLiteral("provider_user_id"), QStringLiteral("g-sam-new")},
                                      {QStringLiteral("email"), QStringLiteral("sam.g@example.com")},
                                      {QStringLiteral("action"), QStringLiteral("continue")}},
                                     &request);
    QVERIFY2(!ending.code.isEmpty(), qPrintable(ending.description));
    const HttpResult tokens = m_robot->exchangeCode(request, ending.code);
    QCOMPARE(tokens.json().value(QLatin1String("linked_provider")).toObject().value(QLatin1String("id")).toString(),
             QStringLiteral("google"));
    QCOMPARE(claimOf(tokens, "sub"), claimOf(sam, "sub"));
    QStringList linked = identitiesOf(access);
    linked.sort();
    QCOMPARE(linked, QStringList({QStringLiteral("github"), QStringLiteral("google")}));
}

// Rita's Google identity cannot be added to Sam's account.
void TestLinking::addOtherAccountsIdentity()
{
    const QString access = signInSam().json().value(QLatin1String("access_token")).toString();
    const HttpResult asked = bearer("POST", QStringLiteral("/api/account/link-request"), access,
                                    {{"client_id", ClientId}, {"provider", "google"}});
    AuthorizationRequest request;
    const Ending ending = linkSignIn(asked.json().value(QLatin1String("link_id")).toString(), QStringLiteral("google"),
                                     {{QStringLiteral("persona"), QStringLiteral("returning")}}, &request);
    QCOMPARE(ending.error, QStringLiteral("access_denied"));
    QCOMPARE(ending.linkError, QStringLiteral("other_account"));
    QCOMPARE(identitiesOf(access), QStringList({QStringLiteral("github")}));
}

// A sign-in more than 300 s old cannot add or remove; a new one (prompt=login) can.
void TestLinking::changesNeedRecentSignIn()
{
    HttpResult sam = signInSam();
    m_server->clock().advance(301);
    QString access = sam.json().value(QLatin1String("access_token")).toString();
    const HttpResult add = bearer("POST", QStringLiteral("/api/account/link-request"), access,
                                  {{"client_id", ClientId}, {"provider", "google"}});
    QCOMPARE(add.status, 403);
    QCOMPARE(add.json().value(QLatin1String("error")).toString(), QStringLiteral("reauthentication_required"));
    const HttpResult remove = bearer("DELETE", QStringLiteral("/api/account/identities/github"), access);
    QCOMPARE(remove.status, 403);
    QCOMPARE(remove.json().value(QLatin1String("error")).toString(), QStringLiteral("reauthentication_required"));
    // Listing needs no recent sign-in.
    QCOMPARE(identitiesOf(access), QStringList({QStringLiteral("github")}));
    sam = signInSam();
    access = sam.json().value(QLatin1String("access_token")).toString();
    QCOMPARE(bearer("POST", QStringLiteral("/api/account/link-request"), access,
                    {{"client_id", ClientId}, {"provider", "google"}})
                 .status,
             201);
}

void TestLinking::lastIdentityStays()
{
    const QString access = signInSam().json().value(QLatin1String("access_token")).toString();
    const HttpResult last = bearer("DELETE", QStringLiteral("/api/account/identities/github"), access);
    QCOMPARE(last.status, 409);
    QCOMPARE(last.json().value(QLatin1String("error")).toString(), QStringLiteral("last_identity"));
    const HttpResult notLinked = bearer("DELETE", QStringLiteral("/api/account/identities/microsoft"), access);
    QCOMPARE(notLinked.status, 404);
    QCOMPARE(notLinked.json().value(QLatin1String("error")).toString(), QStringLiteral("not_linked"));
    // With Google added, GitHub can go; then Google is the last.
    const QString linkId = bearer("POST", QStringLiteral("/api/account/link-request"), access,
                                  {{"client_id", ClientId}, {"provider", "google"}})
                               .json()
                               .value(QLatin1String("link_id"))
                               .toString();
    AuthorizationRequest request;
    QVERIFY(!linkSignIn(linkId, QStringLiteral("google"),
                        {{QStringLiteral("provider_user_id"), QStringLiteral("g-sam-2")},
                         {QStringLiteral("action"), QStringLiteral("continue")}},
                        &request)
                 .code.isEmpty());
    const HttpResult removed = bearer("DELETE", QStringLiteral("/api/account/identities/github"), access);
    QCOMPARE(removed.status, 200);
    QCOMPARE(identitiesOf(access), QStringList({QStringLiteral("google")}));
    QCOMPARE(bearer("DELETE", QStringLiteral("/api/account/identities/google"), access).status, 409);
    // GitHub's qa-sam is nobody now: signing in there onboards.
    AuthorizationRequest again = m_robot->newRequest();
    QVERIFY(!m_robot->onboardingTokenFor(again, QStringLiteral("github"), QStringLiteral("qa-sam")).isEmpty());
}

// An onboarding token whose claims name another identity than its code
// recorded, as one minted by an older version (when a simulated GitHub
// answered as "github") and redeemed after the upgrade: it creates nothing.
void TestLinking::olderTokenCreatesNothing()
{
    const QByteArray verifier = Pkce::generateVerifier();
    const QJsonObject claims{{QLatin1String("provider_id"), QStringLiteral("github")},
                             {QLatin1String("provider_user_id"), QStringLiteral("victim-583231")},
                             {QLatin1String("email"), QStringLiteral("attacker@example.com")},
                             {QLatin1String("cch"), QString::fromLatin1(Pkce::challengeFor(verifier))},
                             {QLatin1String("scope"), QLatin1String(Protocol::DefaultScope)}};
    // The code as the older version recorded it: the identity the claims
    // name, and no issuer (the column's default after the migration).
    const auto token = m_server->forgeOnboardingToken(claims,
                                                      {QStringLiteral("github"), QStringLiteral("victim-583231"),
                                                       QString()});
    QVERIFY_OK(token);

    const HttpResult onboarded = m_robot->onboard(*token, verifier, QStringLiteral("mallory"), QStringLiteral("k"));
    QCOMPARE(onboarded.status, 401);
    QCOMPARE(onboarded.json().value(QLatin1String("error")).toString(), QStringLiteral("invalid_token"));
    const auto url = DatabaseUrl::parse(m_server->databaseUrl(), m_server->dataDir());
    QVERIFY_OK(url);
    Database db;
    QVERIFY_OK(db.connect(*url));
    QSqlQuery q(db.connection());
    QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM identities WHERE provider_user_id = 'victim-583231'")));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), 0);
    QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM accounts WHERE username = 'mallory'")));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), 0);
}

// docs/qa.md "Linking": persona Sam at Google meets email_in_use; the link
// sign-in's page says what each persona does there; Sam at GitHub links.
void TestLinking::qaPersonaSamWalksTheLink()
{
    AuthorizationRequest first = m_robot->newRequest();
    const QUrlQuery callback = m_robot->signInWithPersona(first, QStringLiteral("google"), QStringLiteral("sam"));
    const QString token = m_robot->exchangeCode(first, callback.queryItemValue(QStringLiteral("code")))
                              .json()
                              .value(QLatin1String("onboarding_token"))
                              .toString();
    QVERIFY(!token.isEmpty());
    const HttpResult refused = m_robot->onboard(token, first.verifier, QStringLiteral("sam_google"),
                                                QStringLiteral("k"));
    QCOMPARE(refused.json().value(QLatin1String("error")).toString(), QStringLiteral("email_in_use"));
    QVERIFY(refused.json().value(QLatin1String("link_available")).toBool());
    const QString linkId = linkRequest(token, first).json().value(QLatin1String("link_id")).toString();
    AuthorizationRequest second = m_robot->newRequest();
    const QUrl next = m_http->get(m_robot->authorizeUrl(second, {{QStringLiteral("link_id"), linkId}})).location();
    QCOMPARE(next.path(), QStringLiteral("/signin/github")); // the account's provider, unasked
    const QUrl page = m_robot->openProviderPage(QUrlQuery(next).queryItemValue(QStringLiteral("request")),
                                                QStringLiteral("github"));
    QVERIFY(QString::fromUtf8(m_http->get(page).body).contains(QLatin1String("This sign-in confirms a link.")));
    const Ending ending = endingOf(
        m_robot->submitProviderPage(page, {{QStringLiteral("persona"), QStringLiteral("sam")}}));
    QVERIFY2(!ending.code.isEmpty(), qPrintable(ending.description));
    const HttpResult tokens = m_robot->exchangeCode(second, ending.code);
    QCOMPARE(claimOf(tokens, "preferred_username"), QStringLiteral("sam"));
    QCOMPARE(tokens.json().value(QLatin1String("linked_provider")).toObject().value(QLatin1String("name")).toString(),
             QStringLiteral("Google"));
}

// Identities stored before schema 7 have no issuer: they match nothing until
// the next start records the issuer their provider has then.
void TestLinking::upgradedIdentitiesAdoptTheirIssuer()
{
    {
        const auto url = DatabaseUrl::parse(m_server->databaseUrl(), m_server->dataDir());
        QVERIFY_OK(url);
        Database db;
        QVERIFY_OK(db.connect(*url));
        QVERIFY(db.exec(QStringLiteral("UPDATE identities SET upstream_issuer = '' WHERE provider_user_id = 'qa-sam'"),
                        {}));
    }
    AuthorizationRequest request = m_robot->newRequest();
    QVERIFY2(!m_robot->onboardingTokenFor(request, QStringLiteral("github"), QStringLiteral("qa-sam")).isEmpty(),
             "an identity without an issuer matched");
    QVERIFY_OK(m_server->restart());
    const HttpResult sam = signInSam();
    QCOMPARE(sam.json().value(QLatin1String("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(claimOf(sam, "preferred_username"), QStringLiteral("sam"));
}

QTEST_GUILESS_MAIN(TestLinking)
#include "TestLinking.moc"
