// The server-rendered pages a person and a QA engineer see: structure,
// labels, personas, and escaping of everything echoed back.

#include "SignInRobot.h"
#include "TestServer.h"

#include <QRegularExpression>
#include <QTest>

class TestServerPages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void signInPageOffersEachProvider();
    void providerPageIsAnAccessibleForm();
    void echoedInputIsEscaped();
    void invalidIdentityKeepsWhatWasTyped();
    void expiredRequestExplainsWhatToDo();
    void staticPagesServeTermsVersion();
    void formsMayOnlyLeadToTheClientsRedirect_data();
    void formsMayOnlyLeadToTheClientsRedirect();

private:
    // The simulated provider's page, reached as a browser does: /signin/<id>, redirected to /qa/signin/<id>.
    QString providerPage(const QString &provider, const AuthorizationRequest &request, QUrl *pageUrl = nullptr);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
    std::unique_ptr<SignInRobot> m_robot;
};

void TestServerPages::init()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY(m_server->start());
    m_http = std::make_unique<HttpRobot>();
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);
}

void TestServerPages::cleanup()
{
    m_robot.reset();
    m_http.reset();
    m_server.reset();
}

QString TestServerPages::providerPage(const QString &provider, const AuthorizationRequest &request, QUrl *pageUrl)
{
    const QUrl page = m_robot->openProviderPage(m_robot->openSignInPage(request), provider);
    if (pageUrl)
        *pageUrl = page;
    return QString::fromUtf8(m_http->get(page).body);
}

void TestServerPages::signInPageOffersEachProvider()
{
    const HttpResult page = m_http->get(m_robot->authorizeUrl(m_robot->newRequest()));
    QCOMPARE(page.status, 200);
    QVERIFY(page.header("Content-Security-Policy").contains("script-src 'none'"));
    const QString html = QString::fromUtf8(page.body);
    for (const char *provider : {"Google", "GitHub", "Microsoft"})
        QVERIFY2(html.contains(QStringLiteral("Continue with %1</a>").arg(QLatin1String(provider))), provider);
    QVERIFY(html.contains("Cancel and return to the app"));
    QVERIFY(!html.contains("<script"));
}

void TestServerPages::formsMayOnlyLeadToTheClientsRedirect_data()
{
    // Browsers check form-action on the redirect after a form post too, so
    // the provider page must name the client's loopback address; CSP cannot
    // write an IPv6 literal (Chromium drops "http://[::1]:*"), hence "http:".
    QTest::addColumn<QString>("redirectUri");
    QTest::addColumn<QString>("formAction");
    QTest::newRow("IPv4 loopback") << "http://127.0.0.1:43123/callback"
                                   << "form-action 'self' http://127.0.0.1:43123";
    QTest::newRow("IPv6 loopback") << "http://[::1]:43123/callback"
                                   << "form-action 'self' http:";
}

void TestServerPages::formsMayOnlyLeadToTheClientsRedirect()
{
    QFETCH(QString, redirectUri);
    QFETCH(QString, formAction);
    AuthorizationRequest request = m_robot->newRequest();
    request.redirectUri = redirectUri;
    const HttpResult signIn = m_http->get(m_robot->authorizeUrl(request));
    QCOMPARE(signIn.status, 200);
    QVERIFY2(signIn.header("Content-Security-Policy").endsWith(formAction.toLatin1()),
             signIn.header("Content-Security-Policy").constData());
    static const QRegularExpression link("/signin/github\\?request=([A-Za-z0-9_-]+)");
    const QString id = link.match(QString::fromUtf8(signIn.body)).captured(1);
    QVERIFY(!id.isEmpty());
    const HttpResult provider = m_http->get(m_robot->openProviderPage(id, "github"));
    QCOMPARE(provider.status, 200);
    QVERIFY2(provider.header("Content-Security-Policy").endsWith(formAction.toLatin1()),
             provider.header("Content-Security-Policy").constData());
    // A page that belongs to no sign-in lets forms post only to the server.
    const HttpResult home = m_http->get(m_server->url("/"));
    QVERIFY2(home.header("Content-Security-Policy").endsWith("form-action 'self'"),
             home.header("Content-Security-Policy").constData());
}

void TestServerPages::providerPageIsAnAccessibleForm()
{
    const QString html = providerPage("github", m_robot->newRequest());
    // Every field has a visible label tied to it by for/id.
    for (const char *field : {"provider_user_id", "email", "email_verified", "name"}) {
        QVERIFY2(html.contains(QStringLiteral("<label for=\"%1\">").arg(QLatin1String(field))), field);
        QVERIFY2(html.contains(QStringLiteral("id=\"%1\"").arg(QLatin1String(field))), field);
    }
    QVERIFY(html.contains(">Continue</button>"));
    QVERIFY(html.contains(">Cancel</button>"));
    static const QRegularExpression persona("name=\"persona\" value=\"([a-z-]+)\"");
    QStringList personas;
    for (const auto &match : persona.globalMatch(html))
        personas.append(match.captured(1));
    QCOMPARE(personas,
             QStringList({"returning", "new", "email-in-use", "unverified-email", "no-email", "long-name", "sam",
                          "taken-username"}));
}

void TestServerPages::echoedInputIsEscaped()
{
    AuthorizationRequest request = m_robot->newRequest();
    const QString id = m_robot->openSignInPage(request);
    Q_UNUSED(id);
    const QUrl url = m_robot->authorizeUrl(request, {{"login_hint", "\"><script>alert(1)</script>@x.org"}});
    const QString signIn = QString::fromUtf8(m_http->get(url).body);
    static const QRegularExpression requestField("name=\"request\" value=\"([^\"]+)\"");
    const QString requestId = requestField.match(signIn).captured(1);
    const QString html = QString::fromUtf8(m_http->get(m_robot->openProviderPage(requestId, "google")).body);
    QVERIFY(!html.contains("<script>"));
    QVERIFY(html.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@x.org"));
}

void TestServerPages::invalidIdentityKeepsWhatWasTyped()
{
    QUrl page;
    providerPage("google", m_robot->newRequest(), &page);
    const HttpResult answer = m_http->postForm(page.adjusted(QUrl::RemoveQuery),
                                               {{"state", QUrlQuery(page).queryItemValue("state")},
                                                {"provider_user_id", "<b>42</b>"},
                                                {"email", "not-an-email"},
                                                {"name", "Zoë <i>"},
                                                {"action", "continue"}});
    QCOMPARE(answer.status, 400);
    const QString html = QString::fromUtf8(answer.body);
    QVERIFY(html.contains("role=\"alert\">The email address is not valid."));
    QVERIFY(html.contains("value=\"&lt;b&gt;42&lt;/b&gt;\""));
    QVERIFY(html.contains(QStringLiteral("value=\"Zoë &lt;i&gt;\"")));
    QVERIFY(html.contains("value=\"not-an-email\""));
}

void TestServerPages::expiredRequestExplainsWhatToDo()
{
    QUrl page;
    providerPage("google", m_robot->newRequest(), &page);
    m_server->clock().advance(601);
    const HttpResult answer = m_http->postForm(page.adjusted(QUrl::RemoveQuery),
                                               {{"state", QUrlQuery(page).queryItemValue("state")}, {"persona", "new"}});
    QCOMPARE(answer.status, 400);
    QVERIFY(answer.body.contains("This sign-in has expired"));
    QVERIFY(answer.body.contains("Return to the app and sign in again"));
}

void TestServerPages::staticPagesServeTermsVersion()
{
    const HttpResult terms = m_http->get(m_server->url("/terms"));
    QCOMPARE(terms.status, 200);
    QCOMPARE(terms.header("Terms-Version"), m_robot->termsVersion().toUtf8());
    QVERIFY(terms.body.contains(QByteArray("data-terms-version=\"" + m_robot->termsVersion().toUtf8() + "\"")));
    QCOMPARE(m_http->get(m_server->url("/privacy")).status, 200);
    const HttpResult css = m_http->get(m_server->url("/static/style.css"));
    QCOMPARE(css.status, 200);
    QVERIFY(css.header("Content-Type").startsWith("text/css"));
    QVERIFY(m_http->get(m_server->url("/")).body.contains(m_server->issuer().toUtf8()));
}

QTEST_GUILESS_MAIN(TestServerPages)
#include "TestServerPages.moc"
