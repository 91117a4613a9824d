// Linking sign-in methods (PROTOCOL.md 6.5) and the sign-out rule of
// PROTOCOL.md 8, through SessionManager and SignInMethods against the real
// reference server, the real keychain of the test's D-Bus session, and a
// robot in place of the system browser.

#include "AuthorizationSession.h"
#include "ClaimNames.h"
#include "ClientHarness.h"
#include "HttpRobot.h"
#include "LoopbackReceiver.h"
#include "OnboardingClient.h"
#include "ResultAssert.h"
#include "SessionManager.h"
#include "SignInMethods.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

using State = SessionManager::State;
using Purpose = SessionManager::Purpose;
using Code = ClientError::Code;

namespace {
constexpr int FlowTimeoutMs = 15000;

QString promptOf(const QUrl &url)
{
    return QUrlQuery(url).queryItemValue(QStringLiteral("prompt"), QUrl::FullyDecoded);
}
} // namespace

class TestLinkingFlows : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void authorizationRequestCarriesLinkAndPrompt_data();
    void authorizationRequestCarriesLinkAndPrompt();
    void linkErrorReachesTheClient_data();
    void linkErrorReachesTheClient();
    void signInAfterSignOutSelectsAccount();
    // Against the server's linking (PROTOCOL.md 6.5).
    void linkFromEmailInUse();
    void linkEndsWithoutLink_data();
    void linkEndsWithoutLink();
    void cancelInTheAppLinksNothing();
    void openBrowserAgainKeepsTheLink();
    void addAndRemoveMethods();
    void reauthenticationThenRetry();

private:
    std::unique_ptr<SessionManager> signedIn(const QString &provider, const QString &persona);
    // A new account, through onboarding, signed in with a verified email.
    std::unique_ptr<SessionManager> createAccount(const QString &provider, const QString &userId, const QString &email,
                                                  const QString &username,
                                                  std::optional<ClientConfig> config = std::nullopt);
    // Signs in as someone new whose verified email belongs to an account:
    // onboarding answers email_in_use with link_available; returns the link request.
    PendingLink emailInUse(SessionManager *manager, const QString &provider, const QString &userId,
                           const QString &email);
    QString termsVersion();
    // Whether the server under test advertises the linking endpoints.
    bool serverLinks();

    std::unique_ptr<ClientHarness> m_harness;
};

void TestLinkingFlows::init()
{
    m_harness = std::make_unique<ClientHarness>();
    QVERIFY_OK(m_harness->start());
}

void TestLinkingFlows::cleanup()
{
    m_harness.reset();
}

std::unique_ptr<SessionManager> TestLinkingFlows::signedIn(const QString &provider, const QString &persona)
{
    m_harness->browser().usePersona(provider, persona);
    auto manager = m_harness->newManager();
    manager->signIn(provider);
    [&] { QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedIn, FlowTimeoutMs); }();
    return manager;
}

bool TestLinkingFlows::serverLinks()
{
    const HttpResult discovery = m_harness->browser().http().get(
        QUrl(m_harness->server().issuer() + "/.well-known/openid-configuration"));
    return discovery.body.contains("\"link_request_endpoint\"");
}

QString TestLinkingFlows::termsVersion()
{
    return QString::fromLatin1(
        m_harness->browser().http().get(QUrl(m_harness->server().issuer() + "/terms")).header("Terms-Version"));
}

std::unique_ptr<SessionManager> TestLinkingFlows::createAccount(const QString &provider, const QString &userId,
                                                                const QString &email, const QString &username,
                                                                std::optional<ClientConfig> config)
{
    m_harness->browser().useIdentity(provider, userId, email, true, username);
    auto manager = m_harness->newManager(config.value_or(m_harness->config()));
    manager->signIn(provider);
    if (!QTest::qWaitFor([&] { return manager->state() == State::OnboardingRequired; }, FlowTimeoutMs))
        return nullptr;
    manager->onboarding()->submit(username, username, termsVersion());
    if (!QTest::qWaitFor([&] { return manager->state() == State::SignedIn; }, FlowTimeoutMs))
        return nullptr;
    return manager;
}

PendingLink TestLinkingFlows::emailInUse(SessionManager *manager, const QString &provider, const QString &userId,
                                         const QString &email)
{
    m_harness->browser().useIdentity(provider, userId, email, true, "Someone New");
    manager->signIn(provider);
    if (!QTest::qWaitFor([&] { return manager->state() == State::OnboardingRequired; }, FlowTimeoutMs))
        return {};
    OnboardingClient *onboarding = manager->onboarding();
    QSignalSpy submitted(onboarding, &OnboardingClient::submitted);
    onboarding->submit("someone.new", "Someone New", termsVersion());
    if (!submitted.wait(FlowTimeoutMs) || !onboarding->linkAvailable())
        return {};
    QSignalSpy requested(onboarding, &OnboardingClient::linkRequestFinished);
    onboarding->requestLink();
    if (!requested.wait(FlowTimeoutMs))
        return {};
    return requested.first().first().value<PendingLink>();
}

void TestLinkingFlows::authorizationRequestCarriesLinkAndPrompt_data()
{
    QTest::addColumn<QJsonValue>("prompts");
    QTest::addColumn<QString>("asked");
    QTest::addColumn<QString>("sent");
    QTest::newRow("Latchkey server, login") << QJsonValue(QJsonArray{"login", "select_account"}) << "login"
                                            << "login";
    QTest::newRow("Latchkey server, select_account")
        << QJsonValue(QJsonArray{"login", "select_account"}) << "select_account"
        << "select_account";
    // A provider that does not list its prompts may not know select_account: only consent (offline_access).
    QTest::newRow("no prompt list") << QJsonValue() << "select_account"
                                    << "consent";
    QTest::newRow("not listed") << QJsonValue(QJsonArray{"consent"}) << "select_account"
                                << "consent";
    QTest::newRow("both listed") << QJsonValue(QJsonArray{"consent", "login"}) << "login"
                                 << "consent login";
    QTest::newRow("none asked") << QJsonValue(QJsonArray{"login"}) << QString() << QString();
}

void TestLinkingFlows::authorizationRequestCarriesLinkAndPrompt()
{
    QFETCH(QJsonValue, prompts);
    QFETCH(QString, asked);
    QFETCH(QString, sent);
    QJsonObject document{{"issuer", "https://id.example.org"},
                         {"authorization_endpoint", "https://id.example.org/authorize"},
                         {"token_endpoint", "https://id.example.org/token"},
                         {"jwks_uri", "https://id.example.org/jwks.json"},
                         {"scopes_supported", QJsonArray{"openid", "offline_access"}},
                         {"upstream_providers", QJsonArray{QJsonObject{{"id", "github"}, {"name", "GitHub"}}}},
                         {"link_request_endpoint", "https://id.example.org/api/account/link-request"},
                         {"identities_endpoint", "https://id.example.org/api/account/identities"}};
    if (!prompts.isUndefined())
        document.insert("prompt_values_supported", prompts);
    QString problem;
    const auto metadata = ProviderMetadata::fromDiscovery(document, "https://id.example.org", &problem);
    QVERIFY2(metadata, qPrintable(problem));
    QVERIFY(metadata->supportsLinking());
    QCOMPARE(metadata->linkRequestEndpoint, QUrl("https://id.example.org/api/account/link-request"));
    const AuthorizationSession session = AuthorizationSession::create("http://127.0.0.1:4711/callback");
    AuthorizationSession::Extras extras;
    extras.upstreamProvider = "github";
    extras.linkId = "lk_a+b/c";
    extras.prompt = asked;
    const QUrlQuery query(session.url(*metadata, "latchkey-desktop", "openid offline_access", extras));
    QCOMPARE(query.queryItemValue("provider"), QStringLiteral("github"));
    QCOMPARE(query.queryItemValue("link_id", QUrl::FullyDecoded), QStringLiteral("lk_a+b/c"));
    QCOMPARE(query.queryItemValue("prompt", QUrl::FullyDecoded), sent);
    QCOMPARE(query.hasQueryItem("prompt"), !sent.isEmpty());
    // Without the extras none of them is sent.
    const QUrlQuery plain(session.url(*metadata, "latchkey-desktop", "openid"));
    QVERIFY(!plain.hasQueryItem("link_id"));
    QVERIFY(!plain.hasQueryItem("provider"));
}

void TestLinkingFlows::linkErrorReachesTheClient_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<Code>("code");
    QTest::addColumn<QString>("linkError");
    QTest::newRow("other account") << "error=access_denied&link_error=other_account" << Code::AccessDenied
                                   << "other_account";
    QTest::newRow("cancelled") << "error=access_denied&link_error=cancelled" << Code::AccessDenied << "cancelled";
    QTest::newRow("provider down") << "error=temporarily_unavailable&link_error=unavailable"
                                   << Code::AuthorizationRejected << "unavailable";
    QTest::newRow("no link_error") << "error=access_denied" << Code::AccessDenied << QString();
}

void TestLinkingFlows::linkErrorReachesTheClient()
{
    QFETCH(QString, query);
    QFETCH(Code, code);
    QFETCH(QString, linkError);
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.expect("state-1", {});
    QSignalSpy finished(&receiver, &LoopbackReceiver::finished);
    HttpRobot http;
    const HttpResult page = http.get(QUrl(receiver.redirectUri() + "?state=state-1&" + query));
    QCOMPARE(page.status, 200);
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(receiver.error().code, code);
    QCOMPARE(receiver.error().body.value(QLatin1String(LinkField::LinkError)).toString(), linkError);
}

// PROTOCOL.md 8: after a sign-out the next sign-in lets the person pick
// another account at the provider; a sign-in that worked ends that.
void TestLinkingFlows::signInAfterSignOutSelectsAccount()
{
    auto manager = signedIn("github", "returning");
    QVERIFY(promptOf(m_harness->browser().openedUrls().last()).isEmpty());
    QVERIFY(!manager->selectsAccountNext());
    manager->signOut();
    QVERIFY(manager->selectsAccountNext());
    // Also after the app was closed in between.
    manager = m_harness->newManager();
    QVERIFY(manager->selectsAccountNext());
    manager->signIn("github");
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedIn, FlowTimeoutMs);
    QCOMPARE(promptOf(m_harness->browser().openedUrls().last()), QStringLiteral("select_account"));
    QVERIFY(!manager->selectsAccountNext());
    manager->signOut();
    manager->cancel(); // a cancelled sign-in does not end it
    QVERIFY(manager->selectsAccountNext());
}

// Lena signed up with GitHub; later she picks Google with the same verified
// address, links it from the wizard by signing in with GitHub once more, and
// from then on Google reaches the same account.
void TestLinkingFlows::linkFromEmailInUse()
{
    QVERIFY2(serverLinks(), "the reference server advertises linking (PROTOCOL.md 6.5)");
    auto lena = createAccount("github", "gh-lena", "lena@example.org", "lena");
    QVERIFY(lena);
    const QString subject = lena->profile().subject;
    lena->signOut();
    QVERIFY(lena->supportsLinking());

    const PendingLink link = emailInUse(lena.get(), "google", "g-lena", "lena@example.org");
    QVERIFY(link.isValid());
    QCOMPARE(link.providers.size(), 1);
    QCOMPARE(link.providers.first().id, QStringLiteral("github"));
    const QUrl first = m_harness->browser().openedUrls().last();
    m_harness->browser().useIdentity("github", "gh-lena", "lena@example.org", true, "lena");
    lena->linkAccount(link);
    QCOMPARE(lena->purpose(), Purpose::Link);
    QTRY_COMPARE_WITH_TIMEOUT(lena->state(), State::SignedIn, FlowTimeoutMs);
    // A new authorization request: provider and link_id, new state and PKCE.
    const QUrlQuery sent(m_harness->browser().openedUrls().last());
    QCOMPARE(sent.queryItemValue("provider"), QStringLiteral("github"));
    QCOMPARE(sent.queryItemValue("link_id", QUrl::FullyDecoded), link.linkId);
    QVERIFY(sent.queryItemValue("state") != QUrlQuery(first).queryItemValue("state"));
    QVERIFY(sent.queryItemValue("code_challenge") != QUrlQuery(first).queryItemValue("code_challenge"));
    QCOMPARE(lena->profile().subject, subject);
    QCOMPARE(lena->profile().username, QStringLiteral("lena"));
    QCOMPARE(lena->linkedProvider().id, QStringLiteral("google"));
    QCOMPARE(lena->linkedProvider().name, QStringLiteral("Google"));
    QCOMPARE(lena->linkedAccountProviders(), QStringList{"GitHub"});
    QVERIFY(!lena->onboarding());

    // Google now reaches the same account, with no wizard.
    lena->signOut();
    m_harness->browser().useIdentity("google", "g-lena", "lena@example.org", true, "Someone New");
    lena->signIn("google");
    QTRY_COMPARE_WITH_TIMEOUT(lena->state(), State::SignedIn, FlowTimeoutMs);
    QCOMPARE(lena->profile().subject, subject);
    QVERIFY(lena->linkedProvider().id.isEmpty()); // the confirmation was for that sign-in only
}

void TestLinkingFlows::linkEndsWithoutLink_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<QString>("linkError");
    QTest::newRow("another account") << "sam"
                                     << "other_account";
    QTest::newRow("no account") << "new"
                                << "no_account";
    QTest::newRow("cancelled at the provider") << "cancel"
                                               << "cancelled";
}

void TestLinkingFlows::linkEndsWithoutLink()
{
    QVERIFY2(serverLinks(), "the reference server advertises linking (PROTOCOL.md 6.5)");
    QFETCH(QString, how);
    QFETCH(QString, linkError);
    auto lena = createAccount("github", "gh-lena", "lena@example.org", "lena");
    QVERIFY(lena);
    lena->signOut();
    const PendingLink link = emailInUse(lena.get(), "google", "g-lena", "lena@example.org");
    QVERIFY(link.isValid());
    if (how == "sam")
        m_harness->browser().useIdentity("github", "qa-sam", {}, false, "Sam");
    else if (how == "new")
        m_harness->browser().useIdentity("github", "gh-nobody", "nobody@example.org", true, "Nobody");
    else
        m_harness->browser().cancelAtProvider("github");
    lena->linkAccount(link);
    QTRY_COMPARE_WITH_TIMEOUT(lena->state(), State::SignedOut, FlowTimeoutMs);
    QCOMPARE(lena->signOutReason(), SessionManager::SignOutReason::LinkNotMade);
    QCOMPARE(lena->error().code, Code::LinkNotMade);
    QCOMPARE(lena->error().body.value(QLatin1String(LinkField::LinkError)).toString(), linkError);
    QCOMPARE(lena->error().body.value(QLatin1String(LinkField::Providers)).toArray(), QJsonArray{"GitHub"});
    QVERIFY(!lena->onboarding()); // the registration is over
    QVERIFY(lena->linkedProvider().name.isEmpty());
    // Nothing was linked: Google still leads to the wizard.
    m_harness->browser().useIdentity("google", "g-lena", "lena@example.org", true, "Someone New");
    lena->signIn("google");
    QTRY_COMPARE_WITH_TIMEOUT(lena->state(), State::OnboardingRequired, FlowTimeoutMs);
}

void TestLinkingFlows::cancelInTheAppLinksNothing()
{
    QVERIFY2(serverLinks(), "the reference server advertises linking (PROTOCOL.md 6.5)");
    auto lena = createAccount("github", "gh-lena", "lena@example.org", "lena");
    QVERIFY(lena);
    lena->signOut();
    const PendingLink link = emailInUse(lena.get(), "google", "g-lena", "lena@example.org");
    QVERIFY(link.isValid());
    m_harness->browser().stayAway();
    lena->linkAccount(link);
    QTRY_COMPARE_WITH_TIMEOUT(lena->step(), SessionManager::Step::WaitingForBrowser, FlowTimeoutMs);
    lena->cancel();
    QCOMPARE(lena->state(), State::SignedOut);
    QCOMPARE(lena->signOutReason(), SessionManager::SignOutReason::LinkNotMade);
    QCOMPARE(lena->error().body.value(QLatin1String(LinkField::LinkError)).toString(), QStringLiteral("cancelled"));
}

// The browser opened the link sign-in (the server took the link_id) and got
// lost; "Open the browser again" must still link, not end as expired.
void TestLinkingFlows::openBrowserAgainKeepsTheLink()
{
    QVERIFY2(serverLinks(), "the reference server advertises linking (PROTOCOL.md 6.5)");
    auto lena = createAccount("github", "gh-lena", "lena@example.org", "lena");
    QVERIFY(lena);
    lena->signOut();
    const PendingLink link = emailInUse(lena.get(), "google", "g-lena", "lena@example.org");
    QVERIFY(link.isValid());
    m_harness->browser().stayAway();
    lena->linkAccount(link);
    QTRY_COMPARE_WITH_TIMEOUT(lena->step(), SessionManager::Step::WaitingForBrowser, FlowTimeoutMs);
    const QUrl first = m_harness->browser().openedUrls().last();
    QCOMPARE(m_harness->browser().http().get(first).status, 302); // the server took the link for it
    m_harness->browser().useIdentity("github", "gh-lena", "lena@example.org", true, "lena");
    lena->openBrowserAgain();
    QTRY_COMPARE_WITH_TIMEOUT(lena->state(), State::SignedIn, FlowTimeoutMs);
    QCOMPARE(m_harness->browser().openedUrls().last(), first);
    QCOMPARE(lena->linkedProvider().id, QStringLiteral("google"));
}

void TestLinkingFlows::addAndRemoveMethods()
{
    QVERIFY2(serverLinks(), "the reference server advertises linking (PROTOCOL.md 6.5)");
    auto lena = createAccount("github", "gh-lena", "lena@example.org", "lena");
    QVERIFY(lena);
    SignInMethods methods(lena.get(), &m_harness->network());
    QSignalSpy finished(&methods, &SignInMethods::finished);
    methods.load();
    QVERIFY(finished.wait(FlowTimeoutMs));
    QCOMPARE(methods.identities().size(), 1);
    QCOMPARE(methods.identities().first().providerId, QStringLiteral("github"));
    QVERIFY(methods.identities().first().linkedAt > 0);
    QVERIFY(!methods.canRemove("github")); // the last one
    QStringList offered;
    for (const UpstreamProviderInfo &p : lena->upstreamProviders())
        offered.append(p.id);
    QStringList addable;
    for (const UpstreamProviderInfo &p : methods.addable())
        addable.append(p.id);
    QVERIFY2(addable.contains("google"), qPrintable(offered.join(',') + " / " + addable.join(',')));

    const QString accessBefore = lena->accessToken();
    m_harness->browser().useIdentity("google", "g-lena", "lena@example.org", true, "Lena G");
    finished.clear();
    methods.add("google");
    QTRY_VERIFY_WITH_TIMEOUT(finished.size() >= 1, FlowTimeoutMs);
    QCOMPARE(finished.first().at(0).value<SignInMethods::Operation>(), SignInMethods::Operation::Add);
    const auto added = finished.first().at(2).value<ClientError>();
    QVERIFY2(added.ok(), qPrintable(added.codeName() + " " + added.serverError));
    QCOMPARE(lena->state(), State::SignedIn);
    QVERIFY(lena->accessToken() != accessBefore);                             // the new sign-in's tokens
    QTRY_COMPARE_WITH_TIMEOUT(methods.identities().size(), 2, FlowTimeoutMs); // read back
    QVERIFY(methods.canRemove("github"));

    finished.clear();
    methods.remove("github");
    QVERIFY(finished.wait(FlowTimeoutMs));
    QVERIFY(finished.first().at(2).value<ClientError>().ok());
    QTRY_COMPARE_WITH_TIMEOUT(methods.identities().size(), 1, FlowTimeoutMs);
    QCOMPARE(methods.identities().first().providerId, QStringLiteral("google"));
    QVERIFY(!methods.canRemove("google"));
}

// An authentication more than 300 s old: the server wants a new sign-in
// (prompt=login) before removing; afterwards the removal goes through by
// itself.
void TestLinkingFlows::reauthenticationThenRetry()
{
    QVERIFY2(serverLinks(), "the reference server advertises linking (PROTOCOL.md 6.5)");
    ClientConfig shared = m_harness->config();
    shared.clock = [harness = m_harness.get()] { return harness->server().clock().now(); };
    auto lena = createAccount("github", "gh-lena", "lena@example.org", "lena", shared);
    QVERIFY(lena);
    SignInMethods methods(lena.get(), &m_harness->network());
    QSignalSpy finished(&methods, &SignInMethods::finished);
    m_harness->browser().useIdentity("google", "g-lena", "lena@example.org", true, "Lena G");
    methods.load();
    QVERIFY(finished.wait(FlowTimeoutMs));
    methods.add("google");
    QTRY_COMPARE_WITH_TIMEOUT(methods.identities().size(), 2, FlowTimeoutMs);

    m_harness->server().clock().advance(301); // the session's authentication is now too old for a change
    m_harness->browser().useIdentity("github", "gh-lena", "lena@example.org", true, "lena");
    const int opened = m_harness->browser().openedUrls().size();
    QSignalSpy states(&methods, &SignInMethods::stateChanged);
    finished.clear();
    methods.remove("google");
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), FlowTimeoutMs);
    const auto error = finished.first().at(2).value<ClientError>();
    QVERIFY2(error.ok(), qPrintable(error.codeName() + " " + error.serverError));
    QVERIFY(std::any_of(states.cbegin(), states.cend(), [](const QList<QVariant> &args) {
        return args.first().value<SignInMethods::State>() == SignInMethods::State::Reauthenticating;
    }));
    QCOMPARE(m_harness->browser().openedUrls().size(), opened + 1);
    const QUrlQuery sent(m_harness->browser().openedUrls().last());
    QCOMPARE(sent.queryItemValue("prompt"), QStringLiteral("login"));
    QCOMPARE(sent.queryItemValue("provider"), QStringLiteral("github"));
    QTRY_COMPARE_WITH_TIMEOUT(methods.identities().size(), 1, FlowTimeoutMs);
}

QTEST_GUILESS_MAIN(TestLinkingFlows)
#include "TestLinkingFlows.moc"
