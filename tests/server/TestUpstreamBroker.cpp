// latchkey-server as a broker in front of real upstream providers, over HTTP
// end to end: the app's authorization request, the broker, the upstream's own
// pages, the broker's callback and what reaches the app's loopback redirect.
//
// The upstream for the sign-ins that succeed, and for the person cancelling,
// is node-oidc-provider (tests/server/upstream-provider.mjs): a certified
// OpenID Provider nobody here wrote, driven through its development login and
// consent pages. The rows it cannot produce on request (ID tokens with a wrong
// nonce, audience or issuer, expired, badly signed, with an unknown key or an
// algorithm it does not announce, an error from its authorization endpoint, a
// token endpoint slower than the deadline) come from FakeUpstream, a small
// provider built on the server's own HttpServer and JOSE code
// (tests/support/FakeUpstream.h).

#include "FakeUpstream.h"
#include "Jws.h"
#include "Protocol.h"
#include "ResultAssert.h"
#include "ServerConfig.h"
#include "SignInRobot.h"
#include "TestServer.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QNetworkCookieJar>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString NodeBasicSecret = QStringLiteral("node-basic-secret-0123456789abcdefghijkl");
const QString NodePostSecret = QStringLiteral("node-post-secret-0123456789abcdefghijklm");
const QString FakeName = QStringLiteral("Fake Upstream");
// No answer of the broker may take longer than this (it has a 1.5 s deadline
// where a row needs one, and 10 s otherwise, which no row reaches).
constexpr qint64 BoundMs = 5000;

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307;
}

// node-oidc-provider in a process of its own (upstream-provider.mjs).
class NodeProvider
{
public:
    ~NodeProvider() { stop(); }

    bool start(QString *error)
    {
        m_process.setProgram(QStringLiteral("node"));
        m_process.setArguments({QStringLiteral(LATCHKEY_UPSTREAM_PROVIDER_SCRIPT), QStringLiteral(LATCHKEY_E2E_DIR)});
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start();
        const QString port = readLine(QStringLiteral("port "), error);
        if (port.isEmpty())
            return false;
        m_issuer = QStringLiteral("http://127.0.0.1:") + port;
        return true;
    }
    // The broker's callback URIs are known once it listens.
    bool configure(const QStringList &redirectUris, QString *error)
    {
        const QJsonObject setup{{QStringLiteral("redirect_uris"), QJsonArray::fromStringList(redirectUris)},
                                {QStringLiteral("secrets"),
                                 QJsonObject{{QStringLiteral("basic"), NodeBasicSecret},
                                             {QStringLiteral("post"), NodePostSecret}}}};
        m_process.write(QJsonDocument(setup).toJson(QJsonDocument::Compact) + '\n');
        return !readLine(QStringLiteral("ready "), error).isEmpty();
    }
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.closeWriteChannel(); // it exits when stdin closes
        if (!m_process.waitForFinished(3000)) {
            m_process.kill();
            m_process.waitForFinished(3000);
        }
    }
    QString issuer() const { return m_issuer; }

private:
    QString readLine(const QString &prefix, QString *error)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 15000) {
            while (m_process.canReadLine()) {
                const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
                if (line.startsWith(prefix))
                    return line.mid(prefix.size());
            }
            if (m_process.state() == QProcess::NotRunning)
                break;
            m_process.waitForReadyRead(200);
        }
        *error = QStringLiteral("node-oidc-provider did not print \"%1\": %2 %3")
                     .arg(prefix, m_process.errorString(), QString::fromUtf8(m_process.readAllStandardError()));
        return {};
    }

    QProcess m_process;
    QString m_issuer;
};

// The server's log messages (categories latchkey.*) while it lives; each
// still goes on to the handler before it.
class LogCapture
{
public:
    LogCapture() { s_previous = qInstallMessageHandler(record); }
    ~LogCapture()
    {
        qInstallMessageHandler(s_previous);
        const QMutexLocker lock(&s_mutex);
        s_messages.clear();
    }
    static QStringList messages()
    {
        const QMutexLocker lock(&s_mutex);
        return s_messages;
    }
    static bool contains(const QString &text)
    {
        const QStringList all = messages();
        return std::any_of(all.cbegin(), all.cend(), [&text](const QString &m) { return m.contains(text); });
    }

private:
    static void record(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        if (context.category && QByteArray(context.category).startsWith("latchkey.")) {
            const QMutexLocker lock(&s_mutex);
            s_messages.append(message);
        }
        s_previous(type, context, message);
    }

    static inline QtMessageHandler s_previous = nullptr;
    static inline QMutex s_mutex;
    static inline QStringList s_messages;
};

} // namespace

class TestUpstreamBroker : public QObject
{
    Q_OBJECT
public:
    enum class Row {
        FakeSignsIn,
        Cancel,
        UpstreamError,
        WrongState,
        ReplayedState,
        WrongNonce,
        WrongAudience,
        WrongIssuer,
        Expired,
        BadSignature,
        UnknownKey,
        RotatedKey,
        UnlistedAlgorithm,
        Down,
        Slow,
        NoCookie,
    };
    Q_ENUM(Row)

private Q_SLOTS:
    void initTestCase_data();
    void initTestCase();
    void init();
    void cleanup();

    void newThenReturningUser_data();
    void newThenReturningUser();
    void providerHintAndDiscovery();
    void failures_data();
    void failures();
    void callbackAtAnotherInstance();
    void upstreamTextInTheLogIsEscaped();
    void selectAccountAtAProviderWithoutIt();
    void providerAtAnotherIssuerMatchesNoOldIdentity();
    void hintsReachTheUpstream_data();
    void hintsReachTheUpstream();
    void authTimeFollowsTheUpstream_data();
    void authTimeFollowsTheUpstream();

private:
    enum class AtUpstream { SignIn, Cancel };

    bool startBroker(bool withNode, int deadlineMs = 10000, bool withDown = false);
    QByteArray providersJson() const;
    QString writeSecret(const QString &name, const QString &secret) const;
    // GET /authorize with provider=<id> (and `extra`), then /signin/<id>: the broker's answer.
    HttpResult beginSignIn(const AuthorizationRequest &request, const QString &providerId, const FieldList &extra = {});
    // Plays the person at the upstream until it sends the browser back to the broker.
    QUrl throughUpstream(QUrl url, AtUpstream action);
    // The broker's answer must redirect to the app's loopback; returns what arrived there.
    QUrlQuery atLoopback(const HttpResult &brokerAnswer, const AuthorizationRequest &request);
    QUrlQuery signIn(const AuthorizationRequest &request, const QString &providerId, const FieldList &extra = {});
    JwkSet brokerKeys();

    QString m_nodeProblem;
    QString m_loginName; // who signs in at node-oidc-provider
    QTemporaryDir m_dir;
    std::unique_ptr<NodeProvider> m_node;
    std::unique_ptr<FakeUpstream> m_fake;
    quint16 m_closedPort = 0;
    bool m_fakeOAuth2 = false;     // also the fake as an oauth2 provider, "fake-oauth2"
    QJsonArray m_fakePromptValues; // the fake's "prompt_values" in the providers file; empty: none
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
    std::unique_ptr<SignInRobot> m_robot;
};

void TestUpstreamBroker::initTestCase()
{
    // Installed as run-e2e.sh does, when this checkout has not done it yet.
    const QString e2e = QStringLiteral(LATCHKEY_E2E_DIR);
    if (!QFile::exists(e2e + QStringLiteral("/node_modules/oidc-provider/package.json"))) {
        QProcess npm;
        npm.setWorkingDirectory(e2e);
        npm.start(QStringLiteral("npm"),
                  {QStringLiteral("ci"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund"),
                   QStringLiteral("--loglevel=error")});
        if (!npm.waitForFinished(240000) || npm.exitCode() != 0)
            m_nodeProblem = QStringLiteral("npm ci in tests/e2e failed: ")
                + QString::fromUtf8(npm.readAllStandardError());
    }
}

void TestUpstreamBroker::initTestCase_data()
{
    TestDatabase::addBackendRows();
}

void TestUpstreamBroker::init()
{
    LATCHKEY_USE_BACKEND();
}

void TestUpstreamBroker::cleanup()
{
    m_robot.reset();
    m_http.reset();
    m_server.reset();
    m_node.reset();
    m_fake.reset();
    m_fakeOAuth2 = false;
    m_fakePromptValues = QJsonArray();
}

QString TestUpstreamBroker::writeSecret(const QString &name, const QString &secret) const
{
    QFile file(m_dir.filePath(name));
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        file.write(secret.toUtf8() + '\n');
    }
    return file.fileName();
}

QByteArray TestUpstreamBroker::providersJson() const
{
    QJsonArray providers;
    if (m_node) {
        const QString node = m_node->issuer();
        providers.append(
            QJsonObject{{QStringLiteral("id"), QStringLiteral("node-basic")},
                        {QStringLiteral("name"), QStringLiteral("Node Basic")},
                        {QStringLiteral("type"), QStringLiteral("oidc")},
                        {QStringLiteral("issuer"), node},
                        {QStringLiteral("client_id"), QStringLiteral("broker-basic")},
                        {QStringLiteral("client_secret_file"), writeSecret("basic.secret", NodeBasicSecret)}});
        providers.append(
            QJsonObject{{QStringLiteral("id"), QStringLiteral("node-post")},
                        {QStringLiteral("name"), QStringLiteral("Node Post")},
                        {QStringLiteral("type"), QStringLiteral("oidc")},
                        {QStringLiteral("issuer"), node},
                        {QStringLiteral("client_id"), QStringLiteral("broker-post")},
                        {QStringLiteral("token_endpoint_auth_method"), QStringLiteral("client_secret_post")},
                        {QStringLiteral("client_secret_file"), writeSecret("post.secret", NodePostSecret)}});
        // The same provider as plain OAuth 2.0: explicit endpoints, its /me as the user-info API.
        providers.append(
            QJsonObject{{QStringLiteral("id"), QStringLiteral("node-oauth2")},
                        {QStringLiteral("name"), QStringLiteral("Node OAuth")},
                        {QStringLiteral("type"), QStringLiteral("oauth2")},
                        {QStringLiteral("authorization_endpoint"), QString(node + QStringLiteral("/auth"))},
                        {QStringLiteral("token_endpoint"), QString(node + QStringLiteral("/token"))},
                        {QStringLiteral("userinfo_endpoint"), QString(node + QStringLiteral("/me"))},
                        {QStringLiteral("scopes"),
                         QJsonArray{QStringLiteral("openid"), QStringLiteral("email"), QStringLiteral("profile")}},
                        {QStringLiteral("claims"),
                         QJsonObject{{QStringLiteral("provider_user_id"), QStringLiteral("sub")},
                                     {QStringLiteral("email"), QStringLiteral("email")},
                                     {QStringLiteral("email_verified"), QStringLiteral("email_verified")},
                                     {QStringLiteral("name"), QStringLiteral("name")},
                                     {QStringLiteral("preferred_username"), QStringLiteral("preferred_username")}}},
                        {QStringLiteral("client_id"), QStringLiteral("broker-basic")},
                        {QStringLiteral("client_secret_file"), writeSecret("oauth2.secret", NodeBasicSecret)}});
    }
    QJsonObject fake{{QStringLiteral("id"), QStringLiteral("fake")},
                     {QStringLiteral("name"), FakeName},
                     {QStringLiteral("type"), QStringLiteral("oidc")},
                     {QStringLiteral("issuer"), m_fake->issuer()},
                     {QStringLiteral("client_id"), QLatin1String(FakeUpstream::ClientId)},
                     {QStringLiteral("client_secret_file"),
                      writeSecret("fake.secret", QLatin1String(FakeUpstream::ClientSecret))}};
    if (!m_fakePromptValues.isEmpty())
        fake.insert(QStringLiteral("prompt_values"), m_fakePromptValues);
    providers.append(fake);
    if (m_fakeOAuth2) {
        // GitHub's names: "login" for a suggested account; max_age has no equivalent there.
        providers.append(
            QJsonObject{{QStringLiteral("id"), QStringLiteral("fake-oauth2")},
                        {QStringLiteral("name"), QStringLiteral("Fake OAuth")},
                        {QStringLiteral("type"), QStringLiteral("oauth2")},
                        {QStringLiteral("authorization_endpoint"),
                         QString(m_fake->issuer() + QStringLiteral("/authorize"))},
                        {QStringLiteral("token_endpoint"), QString(m_fake->issuer() + QStringLiteral("/token"))},
                        {QStringLiteral("userinfo_endpoint"), QString(m_fake->issuer() + QStringLiteral("/userinfo"))},
                        {QStringLiteral("claims"),
                         QJsonObject{{QStringLiteral("provider_user_id"), QStringLiteral("sub")},
                                     {QStringLiteral("email"), QStringLiteral("email")},
                                     {QStringLiteral("email_verified"), QStringLiteral("email_verified")},
                                     {QStringLiteral("name"), QStringLiteral("name")}}},
                        {QStringLiteral("forward_parameters"),
                         QJsonObject{{QStringLiteral("prompt"), QStringLiteral("prompt")},
                                     {QStringLiteral("login_hint"), QStringLiteral("login")}}},
                        {QStringLiteral("client_id"), QLatin1String(FakeUpstream::ClientId)},
                        {QStringLiteral("client_secret_file"),
                         writeSecret("fake.secret", QLatin1String(FakeUpstream::ClientSecret))}});
    }
    if (m_closedPort == 0)
        return QJsonDocument(QJsonObject{{QStringLiteral("providers"), providers}}).toJson();
    providers.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("down")},
                                 {QStringLiteral("name"), QStringLiteral("Gone Upstream")},
                                 {QStringLiteral("type"), QStringLiteral("oidc")},
                                 {QStringLiteral("issuer"), QStringLiteral("http://127.0.0.1:%1").arg(m_closedPort)},
                                 {QStringLiteral("client_id"), QStringLiteral("nobody")},
                                 {QStringLiteral("client_secret_file"), writeSecret("down.secret", "unused-secret")}});
    return QJsonDocument(QJsonObject{{QStringLiteral("providers"), providers}}).toJson();
}

bool TestUpstreamBroker::startBroker(bool withNode, int deadlineMs, bool withDown)
{
    QString error;
    if (withNode) {
        if (!m_nodeProblem.isEmpty()) {
            qWarning("%s", qPrintable(m_nodeProblem));
            return false;
        }
        m_node = std::make_unique<NodeProvider>();
        if (!m_node->start(&error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
    }
    if (!m_fake) // else made by the test, its fault set before the broker's discovery
        m_fake = std::make_unique<FakeUpstream>();
    if (!m_fake->start(&error)) {
        qWarning("fake upstream: %s", qPrintable(error));
        return false;
    }
    m_closedPort = 0;
    if (withDown) {
        QTcpServer probe; // a port nothing listens on once the probe is gone
        probe.listen(QHostAddress::LocalHost, 0);
        m_closedPort = probe.serverPort();
    }
    QFile file(m_dir.filePath(QStringLiteral("providers.json")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    file.write(providersJson());
    file.close();

    ServerConfig config; // not QA mode: only the providers of the file
    config.providersFile = file.fileName();
    config.upstreamDeadlineMs = deadlineMs;
    m_server = std::make_unique<TestServer>(config);
    if (const auto started = m_server->start(); !started) {
        qWarning("broker: %s", qPrintable(started.error().description));
        return false;
    }
    if (m_node) {
        QStringList callbacks;
        for (const char *id : {"node-basic", "node-post", "node-oauth2"})
            callbacks.append(m_server->issuer() + QStringLiteral("/upstream/%1/callback").arg(QLatin1String(id)));
        if (!m_node->configure(callbacks, &error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
    }
    m_http = std::make_unique<HttpRobot>();
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);
    return true;
}

HttpResult TestUpstreamBroker::beginSignIn(const AuthorizationRequest &request, const QString &providerId,
                                           const FieldList &extra)
{
    const HttpResult authorize = m_http->get(
        m_robot->authorizeUrl(request, FieldList{{QStringLiteral("provider"), providerId}} + extra));
    const QUrl signin = m_server->url(QStringLiteral("/")).resolved(authorize.location());
    if (authorize.status != 302 || signin.path() != QStringLiteral("/signin/") + providerId) {
        qWarning() << "provider hint not followed:" << authorize.status << authorize.location();
        return {};
    }
    return m_http->get(signin);
}

QUrl TestUpstreamBroker::throughUpstream(QUrl url, AtUpstream action)
{
    static const QRegularExpression formAction(QStringLiteral("<form[^>]*action=\"([^\"]+)\""));
    static const QRegularExpression abortLink(QStringLiteral("href=\"([^\"]*/abort)\""));
    const QString callbackPrefix = m_server->issuer() + QStringLiteral("/upstream/");
    for (int hop = 0; hop < 12; ++hop) {
        if (url.toString().startsWith(callbackPrefix))
            return url;
        const HttpResult page = m_http->get(url);
        if (isRedirect(page.status)) {
            url = url.resolved(page.location());
            continue;
        }
        const QString html = QString::fromUtf8(page.body);
        if (page.status != 200) {
            qWarning() << "upstream answered" << page.status << html.left(500);
            return {};
        }
        const bool login = html.contains(QLatin1String("name=\"prompt\" value=\"login\""));
        HttpResult answer;
        if (login && action == AtUpstream::Cancel) {
            answer = m_http->get(url.resolved(QUrl(abortLink.match(html).captured(1))));
        } else {
            const QUrl target = url.resolved(QUrl(formAction.match(html).captured(1)));
            FieldList fields{{QStringLiteral("prompt"), login ? QStringLiteral("login") : QStringLiteral("consent")}};
            if (login)
                fields += FieldList{{QStringLiteral("login"), m_loginName},
                                    {QStringLiteral("password"), QStringLiteral("any")}};
            answer = m_http->postForm(target, fields);
        }
        if (!isRedirect(answer.status)) {
            qWarning() << "upstream page answered" << answer.status << answer.body.left(500);
            return {};
        }
        url = url.resolved(answer.location());
    }
    qWarning() << "upstream never sent the browser back";
    return {};
}

QUrlQuery TestUpstreamBroker::atLoopback(const HttpResult &brokerAnswer, const AuthorizationRequest &request)
{
    const QUrl location = brokerAnswer.location();
    if (brokerAnswer.status != 302 || !location.toString().startsWith(request.redirectUri + QLatin1Char('?'))) {
        qWarning() << "broker did not return to the app:" << brokerAnswer.status << location
                   << brokerAnswer.body.left(300);
        return {};
    }
    if (m_http->get(location).status != 200) // the app's loopback listener receives it
        return {};
    return QUrlQuery(location);
}

QUrlQuery TestUpstreamBroker::signIn(const AuthorizationRequest &request, const QString &providerId,
                                     const FieldList &extra)
{
    const HttpResult toUpstream = beginSignIn(request, providerId, extra);
    if (toUpstream.status != 302)
        return {};
    const QUrl callback = throughUpstream(toUpstream.location(), AtUpstream::SignIn);
    return atLoopback(m_http->get(callback), request);
}

JwkSet TestUpstreamBroker::brokerKeys()
{
    const HttpResult discovery = m_http->get(m_server->url(QLatin1String(Protocol::DiscoveryPath)));
    return JwkSet::fromJson(m_http->get(QUrl(str(discovery.json(), "jwks_uri"))).json());
}

void TestUpstreamBroker::newThenReturningUser_data()
{
    QTest::addColumn<QString>("providerId");
    QTest::addColumn<QString>("providerName");
    QTest::addColumn<QString>("login");
    QTest::newRow("oidc, client_secret_basic") << "node-basic"
                                               << "Node Basic"
                                               << "ada-basic";
    QTest::newRow("oidc, client_secret_post") << "node-post"
                                              << "Node Post"
                                              << "ada-post";
    QTest::newRow("oauth2, user-info claims") << "node-oauth2"
                                              << "Node OAuth"
                                              << "ada-oauth2";
}

void TestUpstreamBroker::newThenReturningUser()
{
    QFETCH(QString, providerId);
    QFETCH(QString, providerName);
    QFETCH(QString, login);
    if (!m_nodeProblem.isEmpty())
        QSKIP(qPrintable(m_nodeProblem));
    QVERIFY(startBroker(true));
    m_loginName = login;

    const AuthorizationRequest request = m_robot->newRequest();
    const HttpResult toUpstream = beginSignIn(request, providerId);
    QCOMPARE(toUpstream.status, 302);
    QVERIFY(toUpstream.location().toString().startsWith(m_node->issuer() + QStringLiteral("/auth?")));
    // The browser binding: set by the broker, kept by the browser for the callback path only.
    QVERIFY(toUpstream.header("Set-Cookie").startsWith("lk_"));
    const QUrl callbackUrl = m_server->url(QStringLiteral("/upstream/%1/callback").arg(providerId));
    const auto stored = m_http->manager().cookieJar()->cookiesForUrl(callbackUrl);
    QVERIFY(std::any_of(stored.cbegin(), stored.cend(),
                        [](const QNetworkCookie &c) { return c.name().startsWith("lk_"); }));
    QVERIFY(m_http->manager().cookieJar()->cookiesForUrl(m_server->url(QStringLiteral("/token"))).isEmpty());

    const QUrl callback = throughUpstream(toUpstream.location(), AtUpstream::SignIn);
    QVERIFY(callback.toString().startsWith(callbackUrl.toString() + QLatin1Char('?')));
    const QUrlQuery back = atLoopback(m_http->get(callback), request);
    QCOMPARE(back.queryItemValue(QStringLiteral("state")), request.state);
    QCOMPARE(back.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded), m_server->issuer());
    const QString code = back.queryItemValue(QStringLiteral("code"));
    QVERIFY2(!code.isEmpty(), qPrintable(back.toString()));

    const HttpResult tokenReply = m_robot->exchangeCode(request, code);
    QCOMPARE(tokenReply.status, 200);
    QCOMPARE(str(tokenReply.json(), "token_type").toLower(), QStringLiteral("onboarding"));
    const QString onboardingToken = str(tokenReply.json(), "onboarding_token");
    const auto verified = Jws::verify(onboardingToken.toLatin1(), brokerKeys(),
                                      QStringList{QLatin1String(Protocol::TypOnboardingToken)});
    QVERIFY2(verified.ok(), qPrintable(verified.message));
    const QJsonObject claims = verified.payload;
    QCOMPARE(str(claims, "iss"), m_server->issuer());
    QCOMPARE(str(claims, "nonce"), request.nonce);
    QCOMPARE(str(claims, "provider_id"), providerId);
    QCOMPARE(str(claims, "provider"), providerName);
    QCOMPARE(str(claims, "provider_user_id"), login); // the upstream's sub
    QCOMPARE(str(claims, "email"), login + QStringLiteral("@example.org"));
    QCOMPARE(claims.value(QLatin1String("email_verified")).toBool(), true);
    QCOMPARE(str(claims, "name"), QStringLiteral("Person ") + login);

    const QString username = login.remove(u'-');
    const HttpResult created = m_robot->onboard(onboardingToken, request.verifier, username, QStringLiteral("first"));
    QCOMPARE(created.status, 201);
    QCOMPARE(str(created.json(), "token_type"), QStringLiteral("Bearer"));

    // The same upstream identity again (the upstream remembers the person): Bearer at once.
    const AuthorizationRequest again = m_robot->newRequest();
    const QUrlQuery returning = signIn(again, providerId);
    const QJsonObject tokens = m_robot->exchangeCode(again, returning.queryItemValue(QStringLiteral("code"))).json();
    QCOMPARE(str(tokens, "token_type"), QStringLiteral("Bearer"));
    QVERIFY(!str(tokens, "refresh_token").isEmpty());
    const auto id = Jws::verify(str(tokens, "id_token").toLatin1(), brokerKeys(),
                                QStringList{QLatin1String(Protocol::TypIdToken)});
    QVERIFY2(id.ok(), qPrintable(id.message));
    QCOMPARE(str(id.payload, "preferred_username"), username);
    QCOMPARE(str(id.payload, "nonce"), again.nonce);
}

void TestUpstreamBroker::providerHintAndDiscovery()
{
    QVERIFY(startBroker(false, 10000, true));
    const HttpResult discovery = m_http->get(m_server->url(QLatin1String(Protocol::DiscoveryPath)));
    const QJsonArray listed = discovery.json().value(QLatin1String("upstream_providers")).toArray();
    QCOMPARE(listed,
             (QJsonArray{QJsonObject{{"id", "fake"}, {"name", FakeName}},
                         QJsonObject{{"id", "down"}, {"name", "Gone Upstream"}}}));

    const AuthorizationRequest request = m_robot->newRequest();
    const HttpResult hinted = m_http->get(
        m_robot->authorizeUrl(request, {{QStringLiteral("provider"), QStringLiteral("fake")}}));
    QCOMPARE(hinted.status, 302);
    const QUrl signin = m_server->url(QStringLiteral("/")).resolved(hinted.location());
    QCOMPARE(signin.path(), QStringLiteral("/signin/fake"));
    QVERIFY(!QUrlQuery(signin).queryItemValue(QStringLiteral("request")).isEmpty());

    // An unknown id shows the chooser, with a button per configured provider.
    const HttpResult page = m_http->get(
        m_robot->authorizeUrl(m_robot->newRequest(), {{QStringLiteral("provider"), QStringLiteral("nope")}}));
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("/signin/fake?request="));
    QVERIFY(page.body.contains("/signin/down?request="));
}

void TestUpstreamBroker::failures_data()
{
    QTest::addColumn<Row>("row");
    QTest::addColumn<QString>("error"); // empty: a code reaches the app
    QTest::addColumn<QString>("detail");
    QTest::newRow("control: fake upstream signs in") << Row::FakeSignsIn << ""
                                                     << "";
    QTest::newRow("person cancels at the upstream") << Row::Cancel << "access_denied"
                                                    << "You cancelled signing in at Node Basic";
    QTest::newRow("upstream's own error") << Row::UpstreamError << "server_error"
                                          << "invalid_scope (The scope bogus is unknown)";
    QTest::newRow("wrong state") << Row::WrongState << "server_error"
                                 << "its state is wrong";
    QTest::newRow("replayed state") << Row::ReplayedState << "server_error"
                                    << "already used";
    QTest::newRow("ID token: wrong nonce") << Row::WrongNonce << "server_error"
                                           << "(Nonce)";
    QTest::newRow("ID token: wrong aud") << Row::WrongAudience << "server_error"
                                         << "(Audience)";
    QTest::newRow("ID token: wrong iss") << Row::WrongIssuer << "server_error"
                                         << "(Issuer)";
    QTest::newRow("ID token: expired") << Row::Expired << "server_error"
                                       << "(Expired)";
    QTest::newRow("ID token: bad signature") << Row::BadSignature << "server_error"
                                             << "(Signature)";
    QTest::newRow("ID token: unknown kid") << Row::UnknownKey << "server_error"
                                           << "(UnknownKey)";
    QTest::newRow("control: rotated kid") << Row::RotatedKey << ""
                                          << "";
    QTest::newRow("ID token: alg not announced") << Row::UnlistedAlgorithm << "server_error"
                                                 << "(Algorithm)";
    QTest::newRow("upstream down") << Row::Down << "temporarily_unavailable"
                                   << "cannot be reached";
    QTest::newRow("upstream slower than deadline") << Row::Slow << "temporarily_unavailable"
                                                   << "did not answer within";
    QTest::newRow("callback without the browser's cookie") << Row::NoCookie << "server_error"
                                                           << "another browser";
}

void TestUpstreamBroker::failures()
{
    QFETCH(Row, row);
    QFETCH(QString, error);
    QFETCH(QString, detail);
    const bool viaNode = row == Row::Cancel;
    if (viaNode && !m_nodeProblem.isEmpty())
        QSKIP(qPrintable(m_nodeProblem));
    // The product waits 10 s for an upstream; the slow row uses the same code
    // path with a 1.5 s deadline, to keep the test short.
    QVERIFY(startBroker(viaNode, row == Row::Slow ? 1500 : 10000, row == Row::Down));
    m_loginName = QStringLiteral("cancelling");
    const QString providerId = viaNode ? QStringLiteral("node-basic")
        : row == Row::Down             ? QStringLiteral("down")
                                       : QStringLiteral("fake");
    const QString providerName = viaNode ? QStringLiteral("Node Basic")
        : row == Row::Down               ? QStringLiteral("Gone Upstream")
                                         : FakeName;

    int jwksBefore = 0;
    if (row == Row::UnknownKey || row == Row::RotatedKey) {
        // A sign-in first, so the broker holds the JWKS it is about to find stale.
        const AuthorizationRequest warmUp = m_robot->newRequest();
        QVERIFY(!signIn(warmUp, providerId).queryItemValue(QStringLiteral("code")).isEmpty());
        jwksBefore = m_fake->jwksFetches();
    }
    static const QMap<Row, FakeUpstream::Fault> faults{{Row::UpstreamError, FakeUpstream::Fault::AuthorizeError},
                                                       {Row::WrongNonce, FakeUpstream::Fault::WrongNonce},
                                                       {Row::WrongAudience, FakeUpstream::Fault::WrongAudience},
                                                       {Row::WrongIssuer, FakeUpstream::Fault::WrongIssuer},
                                                       {Row::Expired, FakeUpstream::Fault::Expired},
                                                       {Row::BadSignature, FakeUpstream::Fault::BadSignature},
                                                       {Row::UnknownKey, FakeUpstream::Fault::UnknownKey},
                                                       {Row::RotatedKey, FakeUpstream::Fault::RotatedKey},
                                                       {Row::UnlistedAlgorithm, FakeUpstream::Fault::UnlistedAlgorithm},
                                                       {Row::Slow, FakeUpstream::Fault::StallToken}};
    m_fake->setFault(faults.value(row, FakeUpstream::Fault::None));
    m_fake->setStallMs(4000);

    const AuthorizationRequest request = m_robot->newRequest();
    QElapsedTimer timer;
    timer.start();
    HttpResult answer = beginSignIn(request, providerId);
    if (row != Row::Down) {
        QCOMPARE(answer.status, 302);
        QUrl callback = throughUpstream(answer.location(), viaNode ? AtUpstream::Cancel : AtUpstream::SignIn);
        QVERIFY(callback.isValid());
        timer.restart();
        if (row == Row::WrongState) {
            QUrlQuery query(callback);
            query.removeAllQueryItems(QStringLiteral("state"));
            query.addQueryItem(QStringLiteral("state"), QStringLiteral("a-state-the-broker-never-issued"));
            callback.setQuery(query);
            answer = m_http->get(callback);
        } else if (row == Row::NoCookie) {
            HttpRobot otherBrowser;
            answer = otherBrowser.get(callback);
        } else if (row == Row::ReplayedState) {
            QVERIFY(!atLoopback(m_http->get(callback), request).queryItemValue(QStringLiteral("code")).isEmpty());
            answer = m_http->get(callback);
        } else {
            answer = m_http->get(callback);
        }
    }
    QVERIFY2(timer.elapsed() < BoundMs, qPrintable(QString::number(timer.elapsed())));
    if (row == Row::Slow)
        QVERIFY(timer.elapsed() >= 1400);

    const QUrlQuery back = atLoopback(answer, request);
    QCOMPARE(back.queryItemValue(QStringLiteral("state")), request.state);
    QCOMPARE(back.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded), m_server->issuer());
    if (error.isEmpty()) {
        QVERIFY2(!back.queryItemValue(QStringLiteral("code")).isEmpty(), qPrintable(back.toString()));
        QVERIFY(!back.hasQueryItem(QStringLiteral("error")));
    } else {
        QCOMPARE(back.queryItemValue(QStringLiteral("error")), error);
        QVERIFY(!back.hasQueryItem(QStringLiteral("code")));
        const QString description = back.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded);
        QVERIFY2(description.contains(providerName), qPrintable(description));
        QVERIFY2(description.contains(detail), qPrintable(description));
    }
    if (row == Row::UnknownKey || row == Row::RotatedKey)
        QCOMPARE(m_fake->jwksFetches(), jwksBefore + 1); // refetched once, no more
    if (row == Row::FakeSignsIn)
        QCOMPARE(m_fake->lastTokenRefusal(), QString());
}

void TestUpstreamBroker::callbackAtAnotherInstance()
{
    // Instance A sends the browser to the upstream; its answer comes back to
    // instance B, a second server on the same database and key file (as a
    // proxy in front of both may do): B finds the sign-in, its upstream state,
    // nonce and PKCE verifier, and the browser's binding, in the database.
    QVERIFY(startBroker(false));
    ServerConfig config;
    config.providersFile = m_dir.filePath(QStringLiteral("providers.json"));
    config.listenPort = 0;
    QTemporaryDir otherData;
    config.dataDir = otherData.path();
    config.database = m_server->databaseUrl().isEmpty()
        ? QStringLiteral("sqlite:") + QDir(m_server->dataDir()).filePath(QStringLiteral("latchkey.sqlite"))
        : m_server->databaseUrl();
    config.keyFile = QDir(m_server->dataDir()).filePath(QStringLiteral("key-encryption.key"));
    OidcServer other(config);
    QVERIFY_OK(other.start());

    const AuthorizationRequest request = m_robot->newRequest();
    const HttpResult toUpstream = beginSignIn(request, QStringLiteral("fake"));
    QCOMPARE(toUpstream.status, 302);
    QUrl callback = throughUpstream(toUpstream.location(), AtUpstream::SignIn);
    QVERIFY(!callback.isEmpty());
    const QUrl atA = callback;
    callback.setPort(other.port()); // cookies are per host, not per port: the browser's binding goes along
    const HttpResult atB = m_http->get(callback);
    const QUrlQuery back = atLoopback(atB, request);
    QCOMPARE(back.queryItemValue(QStringLiteral("state")), request.state);
    const QString code = back.queryItemValue(QStringLiteral("code"));
    QVERIFY2(!code.isEmpty(), qPrintable(back.toString()));
    QCOMPARE(back.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded), other.issuer());

    // The same upstream answer again, at A: spent, whichever instance took it.
    const QUrlQuery replay = atLoopback(m_http->get(atA), request);
    QCOMPARE(replay.queryItemValue(QStringLiteral("error")), QStringLiteral("server_error"));
    QVERIFY(replay.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded)
                .contains(QStringLiteral("already used")));

    // Both instances sign with the same keys: what B issues for the code verifies with A's key set.
    SignInRobot atOther(other.issuer(), *m_http);
    const HttpResult tokens = atOther.exchangeCode(request, code);
    QCOMPARE(tokens.status, 200);
    const QString onboardingToken = str(tokens.json(), "onboarding_token"); // the fake upstream's person is new here
    QVERIFY2(!onboardingToken.isEmpty(), tokens.body.constData());
    const auto verified = Jws::verify(onboardingToken.toLatin1(), brokerKeys(),
                                      QStringList{QLatin1String(Protocol::TypOnboardingToken)});
    QVERIFY2(verified.ok(), qPrintable(verified.message));
}

void TestUpstreamBroker::upstreamTextInTheLogIsEscaped()
{
    // An upstream's issuer with a line break and a request's log line in it:
    // printed as it came, it would forge that line in the server's log.
    const LogCapture log;
    m_fake = std::make_unique<FakeUpstream>();
    m_fake->setFault(FakeUpstream::Fault::ForgedLogLine);
    QVERIFY(startBroker(false));
    QTRY_VERIFY(log.contains(QStringLiteral("fake: discovery failed")));
    // A sign-in tries discovery again and logs why it failed.
    const AuthorizationRequest request = m_robot->newRequest();
    const QUrlQuery back = atLoopback(beginSignIn(request, QStringLiteral("fake")), request);
    QCOMPARE(back.queryItemValue(QStringLiteral("error")), QStringLiteral("server_error"));
    QTRY_VERIFY(log.contains(QStringLiteral("fake: sign-in failed")));
    // And a client's path with a line break, in the request's own log line.
    m_http->get(m_server->url(QStringLiteral("/x%0D%0A2026-12-07T00:00:00.000Z%20info%20latchkey.request:%20GET")));

    const QString escaped = QString::fromLatin1(FakeUpstream::ForgedLogLine).replace(u'\n', QLatin1String("\\n"));
    int withIssuer = 0;
    for (const QString &message : log.messages()) {
        QVERIFY2(!message.contains(u'\n') && !message.contains(u'\r'), qPrintable(message));
        withIssuer += message.contains(m_fake->issuer() + escaped) ? 1 : 0;
    }
    QVERIFY2(withIssuer >= 2, qPrintable(log.messages().join(u'\n')));
}

// node-oidc-provider refuses prompt=select_account and does not say so in
// its discovery: the app's sign-in after a sign-out must still reach its login page.
void TestUpstreamBroker::selectAccountAtAProviderWithoutIt()
{
    if (!m_nodeProblem.isEmpty())
        QSKIP(qPrintable(m_nodeProblem));
    QVERIFY(startBroker(true));
    m_loginName = QStringLiteral("after-sign-out");
    const AuthorizationRequest request = m_robot->newRequest();
    const HttpResult toUpstream = beginSignIn(request, QStringLiteral("node-basic"),
                                              {{QStringLiteral("prompt"), QStringLiteral("select_account")}});
    QCOMPARE(toUpstream.status, 302);
    QVERIFY(!QUrlQuery(toUpstream.location()).hasQueryItem(QStringLiteral("prompt")));
    const QUrl callback = throughUpstream(toUpstream.location(), AtUpstream::SignIn);
    const QUrlQuery back = atLoopback(m_http->get(callback), request);
    QVERIFY2(!back.queryItemValue(QStringLiteral("code")).isEmpty(), qPrintable(back.toString()));
}

// PROTOCOL.md 4: the provider id "fake" re-pointed at another issuer; the
// same user id there is someone else, not the account made at the old one.
void TestUpstreamBroker::providerAtAnotherIssuerMatchesNoOldIdentity()
{
    QVERIFY(startBroker(false));
    AuthorizationRequest request = m_robot->newRequest();
    QUrlQuery back = signIn(request, QStringLiteral("fake"));
    const QString token = str(m_robot->exchangeCode(request, back.queryItemValue(QStringLiteral("code"))).json(),
                              "onboarding_token");
    QVERIFY(!token.isEmpty());
    QCOMPARE(m_robot->onboard(token, request.verifier, QStringLiteral("ada"), QStringLiteral("k")).status, 201);
    request = m_robot->newRequest();
    back = signIn(request, QStringLiteral("fake"));
    QCOMPARE(str(m_robot->exchangeCode(request, back.queryItemValue(QStringLiteral("code"))).json(), "token_type"),
             QStringLiteral("Bearer"));

    m_fake = std::make_unique<FakeUpstream>(); // another port: another issuer, the same subject
    QVERIFY(m_fake->start());
    QFile file(m_dir.filePath(QStringLiteral("providers.json")));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(providersJson());
    file.close();
    QVERIFY_OK(m_server->restart());
    request = m_robot->newRequest();
    back = signIn(request, QStringLiteral("fake"));
    const QJsonObject answer = m_robot->exchangeCode(request, back.queryItemValue(QStringLiteral("code"))).json();
    QCOMPARE(str(answer, "token_type").toLower(), QStringLiteral("onboarding"));
}

void TestUpstreamBroker::hintsReachTheUpstream_data()
{
    // `asked`: the app's authorization request; `sent`: exactly the hint
    // parameters the upstream's authorization endpoint gets.
    QTest::addColumn<QString>("providerId");
    QTest::addColumn<QString>("asked");
    QTest::addColumn<QString>("sent");
    QTest::newRow("oidc: none asked, none sent") << "fake"
                                                 << ""
                                                 << "";
    QTest::newRow("oidc: prompt=login") << "fake"
                                        << "prompt=login"
                                        << "prompt=login";
    // Neither discovery nor the providers file says which prompts it takes: login only.
    QTest::newRow("oidc, unlisted: select_account not sent") << "fake"
                                                             << "prompt=select_account"
                                                             << "";
    QTest::newRow("oidc, unlisted: of both prompts, login") << "fake"
                                                            << "prompt=login%20select_account"
                                                            << "prompt=login";
    QTest::newRow("oidc, discovery lists both: both sent") << "fake-listing-all"
                                                           << "prompt=login%20select_account"
                                                           << "prompt=login%20select_account";
    QTest::newRow("oidc, prompt_values in the providers file") << "fake-configured"
                                                               << "prompt=select_account"
                                                               << "prompt=select_account";
    QTest::newRow("oidc: login_hint") << "fake"
                                      << "login_hint=ada%40example.org"
                                      << "login_hint=ada%40example.org";
    QTest::newRow("oidc: max_age=0") << "fake"
                                     << "max_age=0"
                                     << "max_age=0";
    QTest::newRow("oidc: all three") << "fake"
                                     << "prompt=login&login_hint=ada&max_age=300"
                                     << "prompt=login&login_hint=ada&max_age=300";
    // As node-oidc-provider lists them: it refuses a request with select_account.
    QTest::newRow("oidc: a prompt it does not list, not sent") << "fake-listing"
                                                               << "prompt=select_account"
                                                               << "";
    QTest::newRow("oidc: of two prompts, the listed one") << "fake-listing"
                                                          << "prompt=login%20select_account"
                                                          << "prompt=login";
    QTest::newRow("oauth2: none asked, none sent") << "fake-oauth2"
                                                   << ""
                                                   << "";
    QTest::newRow("oauth2: named ones under the provider's names") << "fake-oauth2"
                                                                   << "prompt=select_account&login_hint=ada&max_age=300"
                                                                   << "prompt=select_account&login=ada";
    QTest::newRow("oauth2: max_age not named, not sent") << "fake-oauth2"
                                                         << "max_age=0"
                                                         << "";
}

void TestUpstreamBroker::hintsReachTheUpstream()
{
    QFETCH(QString, providerId);
    QFETCH(QString, asked);
    QFETCH(QString, sent);
    m_fakeOAuth2 = true;
    if (providerId.startsWith(QLatin1String("fake-")) && providerId != QLatin1String("fake-oauth2")) {
        m_fake = std::make_unique<FakeUpstream>();
        if (providerId == QLatin1String("fake-listing"))
            m_fake->setPromptValues({QStringLiteral("none"), QStringLiteral("login"), QStringLiteral("consent")});
        if (providerId == QLatin1String("fake-listing-all"))
            m_fake->setPromptValues({QStringLiteral("login"), QStringLiteral("select_account")});
        if (providerId == QLatin1String("fake-configured"))
            m_fakePromptValues = QJsonArray{QStringLiteral("login"), QStringLiteral("select_account")};
        providerId = QStringLiteral("fake");
    }
    QVERIFY(startBroker(false));
    FieldList extra;
    for (const auto &[name, value] : QUrlQuery(asked).queryItems(QUrl::FullyDecoded))
        extra.append({name, value});
    const AuthorizationRequest request = m_robot->newRequest();
    const QUrlQuery back = signIn(request, providerId, extra);
    QVERIFY2(!back.queryItemValue(QStringLiteral("code")).isEmpty(), qPrintable(back.toString()));

    const QUrlQuery upstream = m_fake->lastAuthorization();
    const QUrlQuery expected(sent);
    for (const char *name : {"prompt", "login_hint", "max_age", "login"}) {
        const QString key = QLatin1String(name);
        QVERIFY2(upstream.allQueryItemValues(key).size() == (expected.hasQueryItem(key) ? 1 : 0),
                 qPrintable(key + QStringLiteral(" in ") + upstream.toString()));
        QCOMPARE(upstream.queryItemValue(key, QUrl::FullyDecoded), expected.queryItemValue(key, QUrl::FullyDecoded));
    }
    // What the broker sends anyway is still there, once.
    QCOMPARE(upstream.allQueryItemValues(QStringLiteral("client_id")),
             QStringList{QLatin1String(FakeUpstream::ClientId)});
    QCOMPARE(upstream.allQueryItemValues(QStringLiteral("state")).size(), 1);
}

void TestUpstreamBroker::authTimeFollowsTheUpstream_data()
{
    // `upstreamAuthTime`: seconds before the sign-in (or a JSON value that is
    // no time); `expectUpstreams`: the issued ID token's auth_time is the
    // upstream's, else the time the upstream answered.
    QTest::addColumn<QString>("providerId");
    QTest::addColumn<QJsonValue>("upstreamAuthTime");
    QTest::addColumn<QString>("asked");
    QTest::addColumn<bool>("expectUpstreams");
    QTest::newRow("oidc: upstream's auth_time") << "fake" << QJsonValue(1200) << "" << true;
    QTest::newRow("oidc: none, the answer time") << "fake" << QJsonValue(QJsonValue::Undefined) << "" << false;
    QTest::newRow("oidc: a string, the answer time")
        << "fake" << QJsonValue(QStringLiteral("1700000000")) << "" << false;
    QTest::newRow("oidc: in the future, the answer time") << "fake" << QJsonValue(-3600) << "" << false;
    // The upstream ignored max_age: its old auth_time goes on, for the app
    // and the server's re-authentication rule to judge (docs/protocol-notes.md).
    QTest::newRow("oidc: older than max_age, still the upstream's")
        << "fake" << QJsonValue(3600) << "max_age=60" << true;
    QTest::newRow("oauth2: never the ID token's, the answer time") << "fake-oauth2" << QJsonValue(1200) << "" << false;
}

void TestUpstreamBroker::authTimeFollowsTheUpstream()
{
    QFETCH(QString, providerId);
    QFETCH(QJsonValue, upstreamAuthTime);
    QFETCH(QString, asked);
    QFETCH(bool, expectUpstreams);
    m_fakeOAuth2 = true;
    m_fake = std::make_unique<FakeUpstream>();
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const qint64 upstreamTime = before - upstreamAuthTime.toInteger();
    m_fake->setAuthTime(upstreamAuthTime.isDouble() ? QJsonValue(upstreamTime) : upstreamAuthTime);
    QVERIFY(startBroker(false));
    FieldList extra;
    for (const auto &[name, value] : QUrlQuery(asked).queryItems(QUrl::FullyDecoded))
        extra.append({name, value});

    const AuthorizationRequest request = m_robot->newRequest();
    const QString code = signIn(request, providerId, extra).queryItemValue(QStringLiteral("code"));
    QVERIFY(!code.isEmpty());
    const QString onboardingToken = str(m_robot->exchangeCode(request, code).json(), "onboarding_token");
    QVERIFY(!onboardingToken.isEmpty());
    const HttpResult created = m_robot->onboard(onboardingToken, request.verifier, QStringLiteral("fakeperson"),
                                                QStringLiteral("first"));
    QCOMPARE(created.status, 201);
    const qint64 after = QDateTime::currentSecsSinceEpoch();
    const auto id = Jws::verify(str(created.json(), "id_token").toLatin1(), brokerKeys(),
                                QStringList{QLatin1String(Protocol::TypIdToken)});
    QVERIFY2(id.ok(), qPrintable(id.message));
    const qint64 authTime = id.payload.value(QLatin1String("auth_time")).toInteger();
    if (expectUpstreams) {
        QCOMPARE(authTime, upstreamTime);
    } else {
        QVERIFY2(authTime >= before && authTime <= after,
                 qPrintable(QStringLiteral("%1 not in [%2, %3]").arg(authTime).arg(before).arg(after)));
    }
}

QTEST_GUILESS_MAIN(TestUpstreamBroker)
#include "TestUpstreamBroker.moc"
