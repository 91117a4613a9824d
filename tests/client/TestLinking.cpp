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

class TestLinking : public QObject
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

private:
    std::unique_ptr<SessionManager> signedIn(const QString &provider, const QString &persona);

    std::unique_ptr<ClientHarness> m_harness;
};

void TestLinking::init()
{
    m_harness = std::make_unique<ClientHarness>();
    QVERIFY_OK(m_harness->start());
}

void TestLinking::cleanup()
{
    m_harness.reset();
}

std::unique_ptr<SessionManager> TestLinking::signedIn(const QString &provider, const QString &persona)
{
    m_harness->browser().usePersona(provider, persona);
    auto manager = m_harness->newManager();
    manager->signIn(provider);
    [&] { QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedIn, FlowTimeoutMs); }();
    return manager;
}

void TestLinking::authorizationRequestCarriesLinkAndPrompt_data()
{
    QTest::addColumn<QJsonValue>("prompts");
    QTest::addColumn<QString>("asked");
    QTest::addColumn<QString>("sent");
    QTest::newRow("Latchkey server, login") << QJsonValue(QJsonArray{"login", "select_account"}) << "login"
                                            << "login";
    QTest::newRow("Latchkey server, select_account")
        << QJsonValue(QJsonArray{"login", "select_account"}) << "select_account"
        << "select_account";
    // A provider that does not list its prompts gets consent (for offline_access) beside it.
    QTest::newRow("no prompt list") << QJsonValue() << "select_account"
                                    << "consent select_account";
    QTest::newRow("not listed") << QJsonValue(QJsonArray{"consent"}) << "select_account"
                                << "consent";
    QTest::newRow("none asked") << QJsonValue(QJsonArray{"login"}) << QString() << QString();
}

void TestLinking::authorizationRequestCarriesLinkAndPrompt()
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

void TestLinking::linkErrorReachesTheClient_data()
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

void TestLinking::linkErrorReachesTheClient()
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
void TestLinking::signInAfterSignOutSelectsAccount()
{
    auto manager = signedIn("github", "returning");
    QVERIFY(promptOf(m_harness->browser().openedUrls().last()).isEmpty());
    QVERIFY(!manager->selectsAccountNext());
    manager->signOut();
    QVERIFY(manager->selectsAccountNext());
    manager->signIn("github");
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedIn, FlowTimeoutMs);
    QCOMPARE(promptOf(m_harness->browser().openedUrls().last()), QStringLiteral("select_account"));
    QVERIFY(!manager->selectsAccountNext());
    manager->signOut();
    manager->cancel(); // a cancelled sign-in does not end it
    QVERIFY(manager->selectsAccountNext());
}

QTEST_GUILESS_MAIN(TestLinking)
#include "TestLinking.moc"
