// Providers as connectors (issue 19): the registry makes each provider's
// connector by its type, a type a test registers included; "simulated" is a
// QA-only type; and the simulated providers answer through the same
// /upstream/<id>/callback as real ones, bound to the browser by its cookie.

#include "ConnectorRegistry.h"
#include "ProvidersFile.h"
#include "ResultAssert.h"
#include "SignInRobot.h"
#include "TestServer.h"

#include <QNetworkCookieJar>
#include <QTest>

#include <atomic>

namespace {

// A provider that approves at once: its "page" is the callback itself, its
// code the user id.
class InstantConnector : public Connector
{
public:
    using Connector::Connector;

    void begin(const UpstreamAttempt &attempt, UrlCallback done) override
    {
        QUrl back(attempt.redirectUri);
        back.setQuery(QStringLiteral("code=instant-user&state=") + attempt.state);
        done(back);
    }
    void finish(const QString &code, const UpstreamAttempt &, OutcomeCallback done) override
    {
        UpstreamProfile profile;
        profile.identity = {m_settings.id, code, {}};
        profile.email = QStringLiteral("instant@example.org");
        profile.emailVerified = true;
        profile.name = QStringLiteral("Instant User");
        done(profile);
    }
};

UpstreamSettings settingsOf(const QString &id, const QString &type)
{
    UpstreamSettings settings;
    settings.id = id;
    settings.name = QStringLiteral("Provider ") + id;
    settings.type = type;
    return settings;
}

QByteArray providersFile(const QString &type)
{
    return QStringLiteral(R"({"providers": [{"id": "qa", "name": "QA", "type": "%1"}]})").arg(type).toUtf8();
}

} // namespace

class TestConnectors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void typeRegisteredByATestIsUsed();
    void unknownTypeStopsTheServer();
    void simulatedTypeOnlyInQaMode();
    void providersFileNamesTheKnownTypes();
    void simulatedProviderAnswersThroughTheCallback();
    void simulatedAnswerNeedsTheBrowserBinding();
    void simulatedCodeCannotBeForgedOrMoved();
};

void TestConnectors::typeRegisteredByATestIsUsed()
{
    ServerConfig config;
    config.providers = {settingsOf(QStringLiteral("instant"), QStringLiteral("instant"))};
    TestServer server(config);
    std::atomic<int> made = 0; // the factory runs in each worker thread
    server.registerConnectorType(QStringLiteral("instant"),
                                 [&made](const UpstreamSettings &settings, const ConnectorDeps &) {
                                     ++made;
                                     return std::make_unique<InstantConnector>(settings);
                                 });
    QVERIFY_OK(server.start());
    // One per worker thread, and one for the server's own thread (seeds).
    QVERIFY(server.server().threadCount() >= 1);
    QCOMPARE(made.load(), server.server().threadCount() + 1);
    HttpRobot http;
    SignInRobot robot(server.issuer(), http);
    const AuthorizationRequest request = robot.newRequest();
    const QString requestId = robot.openSignInPage(request);
    QVERIFY(!requestId.isEmpty());
    // /signin/instant -> the connector's begin() -> the callback -> finish() -> the app.
    const HttpResult begun = http.get(robot.url(QStringLiteral("/signin/instant?request=") + requestId));
    QCOMPARE(begun.status, 302);
    QCOMPARE(begun.location().path(), QStringLiteral("/upstream/instant/callback"));
    const HttpResult back = http.get(begun.location());
    QCOMPARE(back.status, 302);
    const QUrlQuery answer(back.location());
    QCOMPARE(answer.queryItemValue(QStringLiteral("state")), request.state);
    const HttpResult tokens = robot.exchangeCode(request, answer.queryItemValue(QStringLiteral("code")));
    QCOMPARE(tokens.status, 200);
    QVERIFY2(tokens.json().contains(QStringLiteral("onboarding_token")), tokens.body.constData());
}

void TestConnectors::unknownTypeStopsTheServer()
{
    ServerConfig config;
    config.providers = {settingsOf(QStringLiteral("instant"), QStringLiteral("instant"))};
    TestServer server(config);
    const auto started = server.start();
    QVERIFY(!started);
    const QString error = started.error().description;
    QVERIFY2(error.contains(QStringLiteral("no connector for type \"instant\"")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("\"oauth2\", \"oidc\"")), qPrintable(error));
}

void TestConnectors::simulatedTypeOnlyInQaMode()
{
    const QProcessEnvironment none;
    const auto refused = ProvidersFile::parse(providersFile(QStringLiteral("simulated")),
                                              ProvidersFile::Secrets::Required, none);
    QVERIFY(!refused);
    QVERIFY2(refused.error().description.contains(QStringLiteral("exist only in QA mode (--qa)")),
             qPrintable(refused.error().description));
    const auto qa = ProvidersFile::parse(providersFile(QStringLiteral("simulated")), ProvidersFile::Secrets::Required,
                                         none, ConnectorRegistry::standard(true).types());
    QVERIFY_OK(qa);
    QCOMPARE(qa->at(0).type, QStringLiteral("simulated"));

    // Not through the configuration either.
    ServerConfig config;
    config.providers = {settingsOf(QStringLiteral("qa"), QStringLiteral("simulated"))};
    TestServer server(config);
    const auto started = server.start();
    QVERIFY(!started);
    QVERIFY2(started.error().description.contains(QStringLiteral("no connector for type \"simulated\"")),
             qPrintable(started.error().description));
}

void TestConnectors::providersFileNamesTheKnownTypes()
{
    const auto refused = ProvidersFile::parse(providersFile(QStringLiteral("saml")), ProvidersFile::Secrets::Required,
                                              {});
    QVERIFY(!refused);
    QVERIFY2(refused.error().description.contains(
                 QStringLiteral("\"saml\" is not a type; use one of \"oidc\", \"oauth2\"")),
             qPrintable(refused.error().description));
}

void TestConnectors::simulatedProviderAnswersThroughTheCallback()
{
    TestServer server;
    QVERIFY(server.start());
    HttpRobot http;
    SignInRobot robot(server.issuer(), http);
    const QUrl page = robot.openProviderPage(robot.openSignInPage(robot.newRequest()), QStringLiteral("github"));
    QCOMPARE(page.path(), QStringLiteral("/qa/signin/github"));
    const QString state = QUrlQuery(page).queryItemValue(QStringLiteral("state"));
    const HttpResult answer = http.postForm(page.adjusted(QUrl::RemoveQuery),
                                            {{QStringLiteral("state"), state},
                                             {QStringLiteral("persona"), QStringLiteral("returning")}});
    QCOMPARE(answer.status, 302);
    QCOMPARE(answer.location().path(), QStringLiteral("/upstream/github/callback"));
    QCOMPARE(QUrlQuery(answer.location()).queryItemValue(QStringLiteral("state")), state);
    QVERIFY(!QUrlQuery(answer.location()).queryItemValue(QStringLiteral("code")).isEmpty());
    // The cancel button, too, answers at the callback, which ends at the app with access_denied.
    const AuthorizationRequest cancelled = robot.newRequest();
    const QUrlQuery cancel = robot.cancelAt(cancelled, QStringLiteral("google"));
    QCOMPARE(cancel.queryItemValue(QStringLiteral("error")), QStringLiteral("access_denied"));
    QCOMPARE(cancel.queryItemValue(QStringLiteral("state")), cancelled.state);
}

void TestConnectors::simulatedAnswerNeedsTheBrowserBinding()
{
    TestServer server;
    QVERIFY(server.start());
    HttpRobot http;
    SignInRobot robot(server.issuer(), http);
    const AuthorizationRequest request = robot.newRequest();
    const QUrl page = robot.openProviderPage(robot.openSignInPage(request), QStringLiteral("google"));
    const HttpResult answer = http.postForm(page.adjusted(QUrl::RemoveQuery),
                                            {{QStringLiteral("state"),
                                              QUrlQuery(page).queryItemValue(QStringLiteral("state"))},
                                             {QStringLiteral("persona"), QStringLiteral("returning")}});
    QCOMPARE(answer.status, 302);
    // Another browser (no binding cookie) brings the answer back: refused, as for a real provider.
    HttpRobot otherBrowser;
    const HttpResult back = otherBrowser.get(answer.location());
    QCOMPARE(back.status, 302);
    const QUrlQuery result(back.location());
    QCOMPARE(result.queryItemValue(QStringLiteral("error")), QStringLiteral("server_error"));
    QVERIFY(result.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded)
                .contains(QStringLiteral("started in another browser")));
    QCOMPARE(result.queryItemValue(QStringLiteral("state")), request.state);
}

void TestConnectors::simulatedCodeCannotBeForgedOrMoved()
{
    TestServer server;
    QVERIFY(server.start());
    HttpRobot http;
    SignInRobot robot(server.issuer(), http);
    auto answerFor = [&](const AuthorizationRequest &request) {
        const QUrl page = robot.openProviderPage(robot.openSignInPage(request), QStringLiteral("google"));
        return http
            .postForm(page.adjusted(QUrl::RemoveQuery),
                      {{QStringLiteral("state"), QUrlQuery(page).queryItemValue(QStringLiteral("state"))},
                       {QStringLiteral("persona"), QStringLiteral("returning")}})
            .location();
    };
    const AuthorizationRequest first = robot.newRequest();
    const AuthorizationRequest second = robot.newRequest();
    const QUrl firstAnswer = answerFor(first);
    const QUrl secondAnswer = answerFor(second);
    // The first attempt's code under the second attempt's state does not open.
    QUrl moved = secondAnswer;
    QUrlQuery query(secondAnswer);
    query.removeAllQueryItems(QStringLiteral("code"));
    query.addQueryItem(QStringLiteral("code"), QUrlQuery(firstAnswer).queryItemValue(QStringLiteral("code")));
    moved.setQuery(query);
    const QUrlQuery refused(http.get(moved).location());
    QCOMPARE(refused.queryItemValue(QStringLiteral("error")), QStringLiteral("server_error"));
    QCOMPARE(refused.queryItemValue(QStringLiteral("state")), second.state);
    // A code older than a minute does not open either.
    server.clock().advance(61);
    const QUrlQuery late(http.get(firstAnswer).location());
    QCOMPARE(late.queryItemValue(QStringLiteral("error")), QStringLiteral("server_error"));
    QCOMPARE(late.queryItemValue(QStringLiteral("state")), first.state);
}

QTEST_GUILESS_MAIN(TestConnectors)
#include "TestConnectors.moc"
