// The device authorization grant (RFC 8628, PROTOCOL.md 10), through HTTP
// against a real server in QA mode, on SQLite and PostgreSQL: the device's
// codes and polls (authorization_pending, slow_down, access_denied,
// expired_token, exactly one answer), the verification page (the code in any
// case, the confirmation and its token, Deny), the usual provider choice and
// QA sign-in behind it, onboarding with the device code as the proof, wrong
// codes limited per client address, and a second instance finishing what the
// first started.

#include "DevicePageRobot.h"
#include "Jws.h"
#include "Pkce.h"
#include "Protocol.h"
#include "ResultAssert.h"
#include "SignInRobot.h"
#include "TestServer.h"

#include <QDir>
#include <QJsonArray>
#include <QMutex>
#include <QRegularExpression>
#include <QTest>

namespace {
const QString ClientId = QLatin1String(Protocol::DefaultClientId);
const QString DeviceGrantType = QLatin1String(Protocol::DeviceCodeGrantType);
// Well formed, and (with 20^8 codes) no live grant's.
const QString UnknownUserCode = QStringLiteral("BBBB-BBBB");

struct DeviceCodes
{
    QString deviceCode;
    QString userCode;
    QString verificationUri;
    QString complete;
    int expiresIn = 0;
    int interval = 0;
};

QString errorOf(const HttpResult &result)
{
    return result.json().value(QLatin1String("error")).toString();
}

QString hiddenField(const HttpResult &page, const QString &name)
{
    return DevicePageRobot::hiddenField(page, name);
}

// One sample of latchkey_device_grants_total in the server's metrics.
bool counted(OidcServer &server, const char *outcome, int times)
{
    const QByteArray line = QByteArray("\nlatchkey_device_grants_total{outcome=\"") + outcome + "\"} "
        + QByteArray::number(times) + '\n';
    return server.metrics().exposition().contains(line);
}

QJsonObject payloadOf(const QString &jws)
{
    return Jws::decodeUnverified(jws.toLatin1()).payload;
}

// The messages of the server's log while it lives (every category), for
// what must never be in them.
class LogRecorder
{
public:
    LogRecorder() { s_previous = qInstallMessageHandler(record); }
    ~LogRecorder()
    {
        qInstallMessageHandler(s_previous);
        const QMutexLocker lock(&s_mutex);
        s_messages.clear();
    }
    static QString all()
    {
        const QMutexLocker lock(&s_mutex);
        return s_messages.join(u'\n');
    }

private:
    static void record(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        {
            const QMutexLocker lock(&s_mutex);
            s_messages.append(message);
        }
        if (s_previous)
            s_previous(type, context, message);
    }
    static inline QtMessageHandler s_previous = nullptr;
    static inline QMutex s_mutex;
    static inline QStringList s_messages;
};
} // namespace

class TestDeviceGrant : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data() { TestDatabase::addBackendRows(); }
    void init();
    void cleanup();

    void discoveryNamesTheGrant();
    void authorizationResponse();
    void authorizationErrors_data();
    void authorizationErrors();
    void pollErrors_data();
    void pollErrors();
    void pendingThenSlowDown();
    void userCodeInAnyCase_data();
    void userCodeInAnyCase();
    void completeUriFillsInTheCode();
    void wrongCodeShowsTheFormAgain_data();
    void wrongCodeShowsTheFormAgain();
    void confirmationNeedsCheckboxAndToken_data();
    void confirmationNeedsCheckboxAndToken();
    void endings_data();
    void endings();
    void expiry_data();
    void expiry();
    void returningPersonaGetsTokensOnce();
    void twoBrowsersOneCode();
    void newPersonOnboardsWithTheDeviceCode();
    void emailInUseOffersNoLink();
    void deviceCodeIsNoAuthorizationCode();
    void qaFaultsRideAlong();
    void wrongCodesLimitedPerAddress();
    void anotherInstanceFinishes();
    void secretsStayOutOfTheLog();

private:
    DeviceCodes start(const QString &issuer = {});
    HttpResult poll(const QString &deviceCode, const QString &issuer = {}, const QString &clientId = ClientId);
    HttpResult enterCode(const QString &userCode, const HeaderList &headers = {}, const QString &issuer = {});
    // Posts the confirmation form of `page`.
    HttpResult confirm(const HttpResult &page, const QString &action, bool checked, const QString &issuer = {});
    // The sign-in page's request id, from the provider choice.
    static QString requestIdOf(const HttpResult &chooser);
    // From the provider choice through the simulated provider's page, posted
    // with `fields`, to the page the sign-in ends on.
    HttpResult throughProvider(const QString &requestId, const QString &provider, const FieldList &fields,
                               const QString &issuer = {});
    // Code, confirmation, `provider` with `fields`: the last page.
    HttpResult signInOnThePage(const DeviceCodes &codes, const QString &provider, const FieldList &fields,
                               const QString &issuer = {});
    QUrl at(const QString &issuer, const QString &path) const;
    // The next poll waits out the interval (the server's clock, not the test's).
    HttpResult pollOnTime(const QString &deviceCode);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
    std::unique_ptr<SignInRobot> m_robot;
};

void TestDeviceGrant::init()
{
    LATCHKEY_USE_BACKEND();
    m_server = std::make_unique<TestServer>();
    QVERIFY_OK(m_server->start());
    m_http = std::make_unique<HttpRobot>();
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);
}

void TestDeviceGrant::cleanup()
{
    m_robot.reset();
    m_http.reset();
    m_server.reset();
}

QUrl TestDeviceGrant::at(const QString &issuer, const QString &path) const
{
    return QUrl((issuer.isEmpty() ? m_server->issuer() : issuer) + path);
}

DeviceCodes TestDeviceGrant::start(const QString &issuer)
{
    const HttpResult answer = m_http->postForm(at(issuer, QStringLiteral("/device_authorization")),
                                               {{QStringLiteral("client_id"), ClientId},
                                                {QStringLiteral("scope"), QLatin1String(Protocol::DefaultScope)}});
    const QJsonObject json = answer.json();
    return {json.value(QLatin1String("device_code")).toString(),
            json.value(QLatin1String("user_code")).toString(),
            json.value(QLatin1String("verification_uri")).toString(),
            json.value(QLatin1String("verification_uri_complete")).toString(),
            json.value(QLatin1String("expires_in")).toInt(),
            json.value(QLatin1String("interval")).toInt()};
}

HttpResult TestDeviceGrant::poll(const QString &deviceCode, const QString &issuer, const QString &clientId)
{
    return m_http->postForm(at(issuer, QStringLiteral("/token")),
                            {{QStringLiteral("grant_type"), DeviceGrantType},
                             {QStringLiteral("device_code"), deviceCode},
                             {QStringLiteral("client_id"), clientId}});
}

HttpResult TestDeviceGrant::pollOnTime(const QString &deviceCode)
{
    m_server->clock().advance(Protocol::DevicePollIntervalSeconds);
    return poll(deviceCode);
}

HttpResult TestDeviceGrant::enterCode(const QString &userCode, const HeaderList &headers, const QString &issuer)
{
    return DevicePageRobot(m_http.get(), issuer.isEmpty() ? m_server->issuer() : issuer).enterCode(userCode, headers);
}

HttpResult TestDeviceGrant::confirm(const HttpResult &page, const QString &action, bool checked, const QString &issuer)
{
    return DevicePageRobot(m_http.get(), issuer.isEmpty() ? m_server->issuer() : issuer).confirm(page, action, checked);
}

QString TestDeviceGrant::requestIdOf(const HttpResult &chooser)
{
    return hiddenField(chooser, QStringLiteral("request"));
}

HttpResult TestDeviceGrant::throughProvider(const QString &requestId, const QString &provider, const FieldList &fields,
                                            const QString &issuer)
{
    return DevicePageRobot(m_http.get(), issuer.isEmpty() ? m_server->issuer() : issuer)
        .throughProvider(requestId, provider, fields);
}

HttpResult TestDeviceGrant::signInOnThePage(const DeviceCodes &codes, const QString &provider, const FieldList &fields,
                                            const QString &issuer)
{
    return DevicePageRobot(m_http.get(), issuer.isEmpty() ? m_server->issuer() : issuer)
        .signIn(codes.userCode, provider, fields);
}

void TestDeviceGrant::discoveryNamesTheGrant()
{
    const QJsonObject discovery = m_http->get(m_server->url(QLatin1String(Protocol::DiscoveryPath))).json();
    QCOMPARE(discovery.value(QLatin1String(Protocol::DeviceAuthorizationEndpointKey)).toString(),
             m_server->issuer() + QStringLiteral("/device_authorization"));
    QVERIFY(discovery.value(QLatin1String("grant_types_supported")).toArray().contains(DeviceGrantType));
}

void TestDeviceGrant::authorizationResponse()
{
    const DeviceCodes codes = start();
    // At least 256 bits, base64url: 43 characters, a valid PKCE verifier.
    QVERIFY2(codes.deviceCode.size() >= 43, qPrintable(codes.deviceCode));
    QVERIFY(Pkce::isValidVerifier(codes.deviceCode.toLatin1()));
    static const QRegularExpression shown(QStringLiteral("\\A[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}\\z"));
    QVERIFY2(shown.match(codes.userCode).hasMatch(), qPrintable(codes.userCode));
    QCOMPARE(codes.verificationUri, m_server->issuer() + QStringLiteral("/device"));
    QCOMPARE(codes.complete, codes.verificationUri + QStringLiteral("?user_code=") + codes.userCode);
    QCOMPARE(codes.expiresIn, 600);
    QCOMPARE(codes.interval, 5);
    // Each start is a grant of its own.
    const DeviceCodes other = start();
    QVERIFY(other.deviceCode != codes.deviceCode);
    QVERIFY(other.userCode != codes.userCode);
    const HttpResult raw = m_http->postForm(m_server->url(QStringLiteral("/device_authorization")),
                                            {{QStringLiteral("client_id"), ClientId},
                                             {QStringLiteral("scope"), QStringLiteral("openid")}});
    QCOMPARE(raw.header("Cache-Control"), QByteArray("no-store"));
}

void TestDeviceGrant::authorizationErrors_data()
{
    QTest::addColumn<FieldList>("fields");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    const auto scope = std::pair(QStringLiteral("scope"), QStringLiteral("openid"));
    QTest::newRow("unknown client") << FieldList{{QStringLiteral("client_id"), QStringLiteral("someone")}, scope} << 401
                                    << "invalid_client";
    QTest::newRow("client secret") << FieldList{{QStringLiteral("client_id"), ClientId},
                                                {QStringLiteral("client_secret"), QStringLiteral("x")},
                                                scope}
                                   << 401 << "invalid_client";
    QTest::newRow("no client") << FieldList{scope} << 400 << "invalid_request";
    QTest::newRow("client twice") << FieldList{{QStringLiteral("client_id"), ClientId},
                                               {QStringLiteral("client_id"), ClientId},
                                               scope}
                                  << 400 << "invalid_request";
    QTest::newRow("no openid") << FieldList{{QStringLiteral("client_id"), ClientId},
                                            {QStringLiteral("scope"), QStringLiteral("profile")}}
                               << 400 << "invalid_scope";
    QTest::newRow("unknown scope") << FieldList{{QStringLiteral("client_id"), ClientId},
                                                {QStringLiteral("scope"), QStringLiteral("openid admin")}}
                                   << 400 << "invalid_scope";
}

void TestDeviceGrant::authorizationErrors()
{
    QFETCH(FieldList, fields);
    QFETCH(int, status);
    QFETCH(QString, error);
    const HttpResult answer = m_http->postForm(m_server->url(QStringLiteral("/device_authorization")), fields);
    QCOMPARE(answer.status, status);
    QCOMPARE(errorOf(answer), error);
    QVERIFY(!answer.json().value(QLatin1String("error_description")).toString().isEmpty());
    QVERIFY(!answer.json().contains(QLatin1String("device_code")));
}

void TestDeviceGrant::pollErrors_data()
{
    QTest::addColumn<QString>("deviceCode");
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("no device code") << QString() << ClientId << 400 << "invalid_request";
    QTest::newRow("unknown device code") << QStringLiteral("x").repeated(43) << ClientId << 400 << "invalid_grant";
    QTest::newRow("the user code") << QStringLiteral("user-code") << ClientId << 400 << "invalid_grant";
    QTest::newRow("unknown client") << QStringLiteral("live") << QStringLiteral("someone") << 401 << "invalid_client";
}

void TestDeviceGrant::pollErrors()
{
    QFETCH(QString, deviceCode);
    QFETCH(QString, clientId);
    QFETCH(int, status);
    QFETCH(QString, error);
    const DeviceCodes codes = start();
    if (deviceCode == QLatin1String("live"))
        deviceCode = codes.deviceCode;
    else if (deviceCode == QLatin1String("user-code"))
        deviceCode = codes.userCode;
    const HttpResult answer = poll(deviceCode, {}, clientId);
    QCOMPARE(answer.status, status);
    QCOMPARE(errorOf(answer), error);
    // The grant itself is untouched: its own poll is still pending.
    QCOMPARE(errorOf(pollOnTime(codes.deviceCode)), QStringLiteral("authorization_pending"));
}

void TestDeviceGrant::pendingThenSlowDown()
{
    const DeviceCodes codes = start();
    const HttpResult first = poll(codes.deviceCode);
    QCOMPARE(first.status, 400);
    QCOMPARE(errorOf(first), QStringLiteral("authorization_pending"));
    QCOMPARE(first.header("Cache-Control"), QByteArray("no-store"));
    // Too soon: slow_down, and the interval is 10 s from now on.
    const HttpResult early = poll(codes.deviceCode);
    QCOMPARE(early.status, 400);
    QCOMPARE(errorOf(early), QStringLiteral("slow_down"));
    m_server->clock().advance(5);
    QCOMPARE(errorOf(poll(codes.deviceCode)), QStringLiteral("slow_down")); // 5 s < 10 s; now 15 s
    m_server->clock().advance(10);
    QCOMPARE(errorOf(poll(codes.deviceCode)), QStringLiteral("slow_down")); // 10 s < 15 s; now 20 s
    m_server->clock().advance(20);
    QCOMPARE(errorOf(poll(codes.deviceCode)), QStringLiteral("authorization_pending"));
    m_server->clock().advance(20);
    QCOMPARE(errorOf(poll(codes.deviceCode)), QStringLiteral("authorization_pending"));
    // Another grant keeps its own interval.
    const DeviceCodes other = start();
    QCOMPARE(errorOf(poll(other.deviceCode)), QStringLiteral("authorization_pending"));
    m_server->clock().advance(5);
    QCOMPARE(errorOf(poll(other.deviceCode)), QStringLiteral("authorization_pending"));
}

void TestDeviceGrant::userCodeInAnyCase_data()
{
    QTest::addColumn<QString>("shape");
    QTest::newRow("as shown") << "shown";
    QTest::newRow("lower case") << "lower";
    QTest::newRow("no dash") << "nodash";
    QTest::newRow("spaces, mixed case") << "spaced";
}

void TestDeviceGrant::userCodeInAnyCase()
{
    QFETCH(QString, shape);
    const DeviceCodes codes = start();
    QString typed = codes.userCode;
    if (shape == QLatin1String("lower"))
        typed = typed.toLower();
    else if (shape == QLatin1String("nodash"))
        typed.remove(u'-');
    else if (shape == QLatin1String("spaced"))
        typed = QStringLiteral(" ") + typed.left(2).toLower() + typed.mid(2, 2) + QStringLiteral(" ") + typed.mid(5)
            + QStringLiteral(" ");
    const HttpResult page = enterCode(typed);
    QCOMPARE(page.status, 200);
    const QString html = QString::fromUtf8(page.body);
    // The client's name, the code as shown, and the explicit confirmation, usable by keyboard and screen reader.
    QVERIFY2(html.contains(QStringLiteral("The Latchkey app")), qPrintable(html));
    QCOMPARE(hiddenField(page, QStringLiteral("user_code")), codes.userCode);
    QVERIFY(html.contains(QStringLiteral("<input id=\"confirm\" name=\"confirm\" type=\"checkbox\"")));
    QVERIFY(html.contains(QStringLiteral("<label for=\"confirm\">I started this sign-in on my device</label>")));
    QVERIFY(html.contains(QStringLiteral("value=\"deny\"")));
    QVERIFY(!hiddenField(page, QStringLiteral("csrf")).isEmpty());
    QVERIFY(page.header("Set-Cookie").contains("SameSite=Strict"));
    QVERIFY(page.header("Content-Security-Policy").contains("script-src 'none'"));
}

void TestDeviceGrant::completeUriFillsInTheCode()
{
    const DeviceCodes codes = start();
    const HttpResult page = m_http->get(QUrl(codes.complete));
    QCOMPARE(page.status, 200);
    const QString html = QString::fromUtf8(page.body);
    QVERIFY2(html.contains(QStringLiteral("value=\"%1\"").arg(codes.userCode)), qPrintable(html));
    QVERIFY(html.contains(QStringLiteral("<label for=\"user_code\">")));
    // Filled in is not entered: the grant waits for the person to go on.
    QCOMPARE(errorOf(poll(codes.deviceCode)), QStringLiteral("authorization_pending"));
    // Text from the link is escaped.
    QUrl hostile(codes.verificationUri);
    hostile.setQuery(QStringLiteral("user_code=%22%3E%3Cscript%3E"));
    const HttpResult escaped = m_http->get(hostile);
    QCOMPARE(escaped.status, 200);
    QVERIFY(!escaped.body.contains("<script>"));
}

void TestDeviceGrant::wrongCodeShowsTheFormAgain_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("sentence");
    QTest::newRow("unknown") << UnknownUserCode << "That code is not valid";
    QTest::newRow("too short") << "BCDF-GHJ"
                               << "A code has 8 letters";
    QTest::newRow("a vowel") << "BCDF-GHJA"
                             << "A code has 8 letters";
    QTest::newRow("empty") << ""
                           << "A code has 8 letters";
}

void TestDeviceGrant::wrongCodeShowsTheFormAgain()
{
    QFETCH(QString, typed);
    QFETCH(QString, sentence);
    const HttpResult page = enterCode(typed);
    QCOMPARE(page.status, 400);
    const QString html = QString::fromUtf8(page.body);
    QVERIFY2(html.contains(sentence), qPrintable(html));
    // Announced, and tied to the field.
    QVERIFY(html.contains(QStringLiteral("role=\"alert\"")));
    QVERIFY(html.contains(QStringLiteral("aria-describedby=\"device-message user_code_hint\"")));
    QVERIFY(html.contains(QStringLiteral("aria-invalid=\"true\"")));
    QVERIFY(!html.contains(QStringLiteral("name=\"csrf\"")));
}

void TestDeviceGrant::confirmationNeedsCheckboxAndToken_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("sentence");
    QTest::newRow("not ticked") << "unchecked" << 400 << "confirm that you started this sign-in";
    QTest::newRow("no token") << "no-token" << 403 << "did not come from this server";
    QTest::newRow("another token") << "other-token" << 403 << "did not come from this server";
    QTest::newRow("no cookie") << "no-cookie" << 403 << "did not come from this server";
    QTest::newRow("unknown action") << "action" << 400 << "confirm that you started this sign-in";
}

void TestDeviceGrant::confirmationNeedsCheckboxAndToken()
{
    QFETCH(QString, fault);
    QFETCH(int, status);
    QFETCH(QString, sentence);
    const DeviceCodes codes = start();
    const HttpResult page = enterCode(codes.userCode);
    QCOMPARE(page.status, 200);
    FieldList fields{{QStringLiteral("user_code"), codes.userCode},
                     {QStringLiteral("action"), QStringLiteral("continue")}};
    if (fault != QLatin1String("unchecked"))
        fields.append({QStringLiteral("confirm"), QStringLiteral("yes")});
    if (fault == QLatin1String("other-token"))
        fields.append({QStringLiteral("csrf"), QStringLiteral("forged-by-another-site")});
    else if (fault != QLatin1String("no-token"))
        fields.append({QStringLiteral("csrf"), hiddenField(page, QStringLiteral("csrf"))});
    if (fault == QLatin1String("action"))
        fields[1].second = QStringLiteral("approve");
    HttpRobot stranger; // a browser without this page's cookie
    HttpRobot &browser = fault == QLatin1String("no-cookie") ? stranger : *m_http;
    const HttpResult answer = browser.postForm(m_server->url(QStringLiteral("/device/confirm")), fields);
    QCOMPARE(answer.status, status);
    QVERIFY2(QString::fromUtf8(answer.body).contains(sentence), answer.body.constData());
    QVERIFY(requestIdOf(answer).isEmpty()); // no provider choice
    QCOMPARE(errorOf(poll(codes.deviceCode)), QStringLiteral("authorization_pending"));
    // The person can still go on properly.
    QCOMPARE(confirm(page, QStringLiteral("continue"), true).status, 200);
}

void TestDeviceGrant::endings_data()
{
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("heading");
    QTest::newRow("deny at the confirmation") << "confirmation"
                                              << "Sign-in denied";
    QTest::newRow("cancel on the provider choice") << "chooser"
                                                   << "Sign-in cancelled";
    QTest::newRow("cancel at the provider") << "provider"
                                            << "Sign-in cancelled";
}

void TestDeviceGrant::endings()
{
    QFETCH(QString, where);
    QFETCH(QString, heading);
    const DeviceCodes codes = start();
    const HttpResult page = enterCode(codes.userCode);
    HttpResult last;
    if (where == QLatin1String("confirmation")) {
        last = confirm(page, QStringLiteral("deny"), false);
    } else {
        const HttpResult chooser = confirm(page, QStringLiteral("continue"), true);
        QCOMPARE(chooser.status, 200);
        if (where == QLatin1String("chooser"))
            last = m_http->postForm(m_server->url(QStringLiteral("/signin/cancel")),
                                    {{QStringLiteral("request"), requestIdOf(chooser)}});
        else
            last = throughProvider(requestIdOf(chooser), QStringLiteral("github"),
                                   {{QStringLiteral("action"), QStringLiteral("cancel")}});
    }
    QCOMPARE(last.status, 200);
    QVERIFY2(last.body.contains(heading.toUtf8()), last.body.constData());
    QVERIFY(last.header("Location").isEmpty()); // no app to redirect to
    const HttpResult denied = poll(codes.deviceCode);
    QCOMPARE(denied.status, 400);
    QCOMPARE(errorOf(denied), QStringLiteral("access_denied"));
    QCOMPARE(errorOf(pollOnTime(codes.deviceCode)), QStringLiteral("access_denied"));
    // Ended: the code is no longer one to enter.
    const HttpResult again = enterCode(codes.userCode);
    QCOMPARE(again.status, 400);
    QVERIFY(again.body.contains("That code is not valid"));
}

void TestDeviceGrant::expiry_data()
{
    QTest::addColumn<QString>("stage");
    QTest::newRow("before the code is entered") << "new";
    QTest::newRow("on the provider choice") << "chooser";
    QTest::newRow("after the approval") << "approved";
}

void TestDeviceGrant::expiry()
{
    QFETCH(QString, stage);
    const DeviceCodes codes = start();
    QString requestId;
    if (stage == QLatin1String("chooser"))
        requestId = requestIdOf(confirm(enterCode(codes.userCode), QStringLiteral("continue"), true));
    if (stage == QLatin1String("approved")) {
        const HttpResult done = signInOnThePage(codes, QStringLiteral("github"),
                                                {{QStringLiteral("persona"), QStringLiteral("returning")}});
        QVERIFY2(done.body.contains("You&#39;re signed in"), done.body.constData());
    }
    m_server->clock().advance(codes.expiresIn - 5);
    if (stage != QLatin1String("approved"))
        QCOMPARE(errorOf(poll(codes.deviceCode)), QStringLiteral("authorization_pending"));
    m_server->clock().advance(6);
    const HttpResult expired = poll(codes.deviceCode);
    QCOMPARE(expired.status, 400);
    QCOMPARE(errorOf(expired), QStringLiteral("expired_token"));
    QVERIFY(!expired.json().contains(QLatin1String("access_token")));
    const HttpResult entered = enterCode(codes.userCode);
    QCOMPARE(entered.status, 400);
    QVERIFY(entered.body.contains("That code is not valid"));
    if (!requestId.isEmpty()) {
        // The sign-in page outlived nothing: its grant is over.
        const HttpResult late = throughProvider(requestId, QStringLiteral("github"),
                                                {{QStringLiteral("persona"), QStringLiteral("returning")}});
        QVERIFY(!late.body.contains("You&#39;re signed in"));
        QCOMPARE(errorOf(pollOnTime(codes.deviceCode)), QStringLiteral("expired_token"));
    }
}

void TestDeviceGrant::returningPersonaGetsTokensOnce()
{
    const DeviceCodes codes = start();
    QCOMPARE(errorOf(poll(codes.deviceCode)), QStringLiteral("authorization_pending"));
    const HttpResult done = signInOnThePage(codes, QStringLiteral("github"),
                                            {{QStringLiteral("persona"), QStringLiteral("returning")}});
    QCOMPARE(done.status, 200);
    QVERIFY2(done.body.contains("You&#39;re signed in"), done.body.constData());
    QVERIFY(done.body.contains("Return to your device"));
    const HttpResult tokens = pollOnTime(codes.deviceCode);
    QCOMPARE(tokens.status, 200);
    const QJsonObject json = tokens.json();
    QCOMPARE(json.value(QLatin1String("token_type")).toString(), QStringLiteral("Bearer"));
    QVERIFY(!json.value(QLatin1String("access_token")).toString().isEmpty());
    const QString refreshToken = json.value(QLatin1String("refresh_token")).toString();
    QVERIFY(!refreshToken.isEmpty()); // offline_access was asked for
    const QJsonObject idToken = payloadOf(json.value(QLatin1String("id_token")).toString());
    QCOMPARE(idToken.value(QLatin1String("preferred_username")).toString(), QStringLiteral("rita"));
    QCOMPARE(idToken.value(QLatin1String("aud")).toString(), ClientId);
    QVERIFY(!idToken.contains(QLatin1String("nonce")));
    QCOMPARE(tokens.header("Cache-Control"), QByteArray("no-store"));
    // Single use: a second poll is refused, and revokes what the first got.
    const HttpResult again = pollOnTime(codes.deviceCode);
    QCOMPARE(again.status, 400);
    QCOMPARE(errorOf(again), QStringLiteral("invalid_grant"));
    QVERIFY(!again.json().contains(QLatin1String("access_token")));
    QCOMPARE(errorOf(m_robot->refresh(refreshToken)), QStringLiteral("invalid_grant"));
    // Nor can the code be entered again.
    QCOMPARE(enterCode(codes.userCode).status, 400);
    QVERIFY(counted(m_server->server(), "started", 1));
    QVERIFY(counted(m_server->server(), "approved", 1));
    QVERIFY(counted(m_server->server(), "issued", 1));
    QVERIFY(counted(m_server->server(), "wrong_code", 1)); // the used code, entered again
    QVERIFY(counted(m_server->server(), "denied", 0));
}

void TestDeviceGrant::twoBrowsersOneCode()
{
    // Two browsers enter the same code (one of them perhaps someone who was
    // sent it): both reach the provider choice, the first to finish decides.
    const DeviceCodes codes = start();
    auto other = std::make_unique<HttpRobot>();
    const HttpResult mine = confirm(enterCode(codes.userCode), QStringLiteral("continue"), true);
    std::swap(m_http, other);
    const HttpResult theirs = confirm(enterCode(codes.userCode), QStringLiteral("continue"), true);
    std::swap(m_http, other);
    QVERIFY(!requestIdOf(mine).isEmpty());
    QVERIFY(!requestIdOf(theirs).isEmpty());
    const HttpResult done = throughProvider(requestIdOf(mine), QStringLiteral("github"),
                                            {{QStringLiteral("persona"), QStringLiteral("returning")}});
    QVERIFY2(done.body.contains("You&#39;re signed in"), done.body.constData());
    std::swap(m_http, other);
    const HttpResult late = throughProvider(requestIdOf(theirs), QStringLiteral("github"),
                                            {{QStringLiteral("persona"), QStringLiteral("sam")}});
    std::swap(m_http, other);
    QCOMPARE(late.status, 400);
    QVERIFY2(late.body.contains("This code was already used"), late.body.constData());
    const HttpResult tokens = pollOnTime(codes.deviceCode);
    QCOMPARE(tokens.status, 200);
    QCOMPARE(payloadOf(tokens.json().value(QLatin1String("id_token")).toString())
                 .value(QLatin1String("preferred_username"))
                 .toString(),
             QStringLiteral("rita"));

    // A Cancel after the decision changes nothing either.
    const DeviceCodes second = start();
    const HttpResult chooser = confirm(enterCode(second.userCode), QStringLiteral("continue"), true);
    std::swap(m_http, other);
    const HttpResult theirChooser = confirm(enterCode(second.userCode), QStringLiteral("continue"), true);
    std::swap(m_http, other);
    throughProvider(requestIdOf(chooser), QStringLiteral("github"),
                    {{QStringLiteral("persona"), QStringLiteral("returning")}});
    std::swap(m_http, other);
    const HttpResult cancelled = m_http->postForm(m_server->url(QStringLiteral("/signin/cancel")),
                                                  {{QStringLiteral("request"), requestIdOf(theirChooser)}});
    std::swap(m_http, other);
    QVERIFY2(cancelled.body.contains("This code was already used"), cancelled.body.constData());
    QCOMPARE(pollOnTime(second.deviceCode).status, 200);
}

void TestDeviceGrant::newPersonOnboardsWithTheDeviceCode()
{
    const DeviceCodes codes = start();
    const HttpResult done = signInOnThePage(codes, QStringLiteral("google"),
                                            {{QStringLiteral("provider_user_id"), QStringLiteral("g-device-newcomer")},
                                             {QStringLiteral("email"), QStringLiteral("dev@example.org")},
                                             {QStringLiteral("email_verified"), QStringLiteral("true")},
                                             {QStringLiteral("name"), QStringLiteral("Devi Newcomer")},
                                             {QStringLiteral("action"), QStringLiteral("continue")}});
    QVERIFY2(done.body.contains("You&#39;re signed in"), done.body.constData());
    const HttpResult answer = pollOnTime(codes.deviceCode);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json().value(QLatin1String("token_type")).toString(), QStringLiteral("Onboarding"));
    QVERIFY(!answer.json().contains(QLatin1String("access_token")));
    const QString token = answer.json().value(QLatin1String("onboarding_token")).toString();
    const QJsonObject claims = payloadOf(token);
    QCOMPARE(claims.value(QLatin1String("cch")).toString(),
             QString::fromLatin1(Pkce::challengeFor(codes.deviceCode.toLatin1())));
    QVERIFY2(!claims.contains(QLatin1String("nonce")), qPrintable(token));
    QCOMPARE(claims.value(QLatin1String("aud")).toString(), ClientId);
    QCOMPARE(claims.value(QLatin1String("provider_user_id")).toString(), QStringLiteral("g-device-newcomer"));

    // A verifier that is not the device code proves nothing.
    const HttpResult wrong = m_robot->onboard(token, Pkce::generateVerifier(), QStringLiteral("devi"),
                                              QStringLiteral("key-1"));
    QCOMPARE(wrong.status, 401);
    QCOMPARE(errorOf(wrong), QStringLiteral("invalid_token"));
    QCOMPARE(wrong.json().value(QLatin1String("reason")).toString(), QStringLiteral("proof"));
    const HttpResult created = m_robot->onboard(token, codes.deviceCode.toLatin1(), QStringLiteral("devi"),
                                                QStringLiteral("key-2"));
    QCOMPARE(created.status, 201);
    const QJsonObject idToken = payloadOf(created.json().value(QLatin1String("id_token")).toString());
    QCOMPARE(idToken.value(QLatin1String("preferred_username")).toString(), QStringLiteral("devi"));
    QVERIFY(!idToken.contains(QLatin1String("nonce")));

    // The identity is the account's now: the next device sign-in gets Bearer tokens.
    const DeviceCodes next = start();
    signInOnThePage(next, QStringLiteral("google"),
                    {{QStringLiteral("provider_user_id"), QStringLiteral("g-device-newcomer")},
                     {QStringLiteral("action"), QStringLiteral("continue")}});
    const HttpResult bearer = pollOnTime(next.deviceCode);
    QCOMPARE(bearer.json().value(QLatin1String("token_type")).toString(), QStringLiteral("Bearer"));
}

void TestDeviceGrant::emailInUseOffersNoLink()
{
    const DeviceCodes codes = start();
    signInOnThePage(codes, QStringLiteral("google"), {{QStringLiteral("persona"), QStringLiteral("email-in-use")}});
    const QString token = pollOnTime(codes.deviceCode).json().value(QLatin1String("onboarding_token")).toString();
    QVERIFY(!token.isEmpty());
    const HttpResult inUse = m_robot->onboard(token, codes.deviceCode.toLatin1(), QStringLiteral("rita2"),
                                              QStringLiteral("key"));
    QCOMPARE(inUse.status, 409);
    QCOMPARE(errorOf(inUse), QStringLiteral("email_in_use"));
    QVERIFY(!inUse.json().value(QLatin1String("providers")).toArray().isEmpty());
    // Linking needs a loopback redirect the device's client has not got.
    QVERIFY(!inUse.json().value(QLatin1String("link_available")).toBool());
    const HttpResult link = m_http->postJson(m_server->url(QStringLiteral("/api/account/link-request")),
                                             {{QStringLiteral("onboarding_token"), token},
                                              {QStringLiteral("code_verifier"), codes.deviceCode},
                                              {QStringLiteral("client_id"), ClientId}});
    QCOMPARE(link.status, 409);
    QCOMPARE(errorOf(link), QStringLiteral("link_unavailable"));
}

void TestDeviceGrant::deviceCodeIsNoAuthorizationCode()
{
    // The approval's code answers the device's poll only, not authorization_code.
    const DeviceCodes codes = start();
    signInOnThePage(codes, QStringLiteral("github"), {{QStringLiteral("persona"), QStringLiteral("returning")}});
    const HttpResult asCode = m_http->postForm(m_server->url(QStringLiteral("/token")),
                                               {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                                {QStringLiteral("code"), codes.deviceCode},
                                                {QStringLiteral("redirect_uri"), DeviceGrantType},
                                                {QStringLiteral("client_id"), ClientId},
                                                {QStringLiteral("code_verifier"), codes.deviceCode}});
    QCOMPARE(asCode.status, 400);
    QCOMPARE(errorOf(asCode), QStringLiteral("invalid_grant"));
    // ... and spent nothing: the device still gets its tokens.
    QCOMPARE(pollOnTime(codes.deviceCode).status, 200);
}

void TestDeviceGrant::qaFaultsRideAlong()
{
    // A fault the tester attached on the provider page acts on the device's poll.
    const DeviceCodes down = start();
    signInOnThePage(down, QStringLiteral("github"),
                    {{QStringLiteral("persona"), QStringLiteral("returning")},
                     {QStringLiteral("fault"), QStringLiteral("token-endpoint-down")}});
    QCOMPARE(pollOnTime(down.deviceCode).status, 503);
    const DeviceCodes shortLived = start();
    signInOnThePage(shortLived, QStringLiteral("google"),
                    {{QStringLiteral("persona"), QStringLiteral("new")},
                     {QStringLiteral("fault"), QStringLiteral("onboarding-expires-30s")}});
    const HttpResult onboarding = pollOnTime(shortLived.deviceCode);
    QCOMPARE(onboarding.json().value(QLatin1String("expires_in")).toInt(), 30);
}

void TestDeviceGrant::wrongCodesLimitedPerAddress()
{
    // Behind a trusted proxy, as many people share nginx's address: each
    // forwarded client counts as itself.
    m_robot.reset();
    m_server.reset();
    ServerConfig config = qaServerConfig();
    config.trustedProxies = {QStringLiteral("127.0.0.1/32")};
    m_server = std::make_unique<TestServer>(config);
    QVERIFY_OK(m_server->start());
    const HeaderList guesser{{"X-Forwarded-For", "127.0.0.2"}};
    const HeaderList person{{"X-Forwarded-For", "127.0.0.3"}};
    const DeviceCodes codes = start();
    // A mistyped length or letter is no guess: not counted.
    for (int i = 0; i < 3; ++i)
        QCOMPARE(enterCode(QStringLiteral("BCDF-GHJ"), guesser).status, 400);
    for (int i = 0; i < ServerConfig().wrongUserCodesPerAddress; ++i)
        QCOMPARE(enterCode(UnknownUserCode, guesser).status, 400);
    const HttpResult limited = enterCode(codes.userCode, guesser);
    QCOMPARE(limited.status, 429);
    QVERIFY(counted(m_server->server(), "wrong_code", ServerConfig().wrongUserCodesPerAddress));
    QVERIFY(counted(m_server->server(), "rate_limited", 1));
    QVERIFY(!limited.header("Retry-After").isEmpty());
    QVERIFY2(limited.body.contains("Too many wrong codes"), limited.body.constData());
    QVERIFY(!limited.body.contains("name=\"csrf\""));
    // Another address is not limited.
    const HttpResult other = enterCode(codes.userCode, person);
    QCOMPARE(other.status, 200);
    QVERIFY(!hiddenField(other, QStringLiteral("csrf")).isEmpty());
    // The right code does not count: the person may enter it again.
    QCOMPARE(enterCode(codes.userCode, person).status, 200);
    // The limit refills (10 per 10 minutes): a minute later one more try.
    m_server->clock().advance(61);
    QCOMPARE(enterCode(codes.userCode, guesser).status, 200);
    QCOMPARE(enterCode(UnknownUserCode, guesser).status, 400);
    QCOMPARE(enterCode(codes.userCode, guesser).status, 429);
}

void TestDeviceGrant::anotherInstanceFinishes()
{
    // Instance B: a second server on the same database and key file.
    ServerConfig config = qaServerConfig();
    config.listenPort = 0;
    QTemporaryDir otherData;
    config.dataDir = otherData.path();
    config.database = m_server->databaseUrl().isEmpty()
        ? QStringLiteral("sqlite:") + QDir(m_server->dataDir()).filePath(QStringLiteral("latchkey.sqlite"))
        : m_server->databaseUrl();
    config.keyFile = QDir(m_server->dataDir()).filePath(QStringLiteral("key-encryption.key"));
    OidcServer other(config);
    QVERIFY_OK(other.start());
    const QString atB = other.issuer();

    const DeviceCodes codes = start(); // at A
    QCOMPARE(errorOf(poll(codes.deviceCode)), QStringLiteral("authorization_pending"));
    // A poll at B right after A's is too soon, wherever it lands.
    QCOMPARE(errorOf(poll(codes.deviceCode, atB)), QStringLiteral("slow_down"));
    // The person's browser is served by B from the code to the provider's answer.
    const HttpResult done = signInOnThePage(codes, QStringLiteral("github"),
                                            {{QStringLiteral("persona"), QStringLiteral("sam")}}, atB);
    QVERIFY2(done.body.contains("You&#39;re signed in"), done.body.constData());
    m_server->clock().advance(10);
    other.clock().advance(10);
    const HttpResult tokens = poll(codes.deviceCode); // at A
    QCOMPARE(tokens.status, 200);
    QCOMPARE(payloadOf(tokens.json().value(QLatin1String("id_token")).toString())
                 .value(QLatin1String("preferred_username"))
                 .toString(),
             QStringLiteral("sam"));
    m_server->clock().advance(10);
    other.clock().advance(10);
    const HttpResult again = poll(codes.deviceCode, atB);
    QCOMPARE(errorOf(again), QStringLiteral("invalid_grant"));

    // Started at B, denied at A, told at B.
    const DeviceCodes second = start(atB);
    QCOMPARE(confirm(enterCode(second.userCode), QStringLiteral("deny"), false).status, 200); // at A
    QCOMPARE(errorOf(poll(second.deviceCode, atB)), QStringLiteral("access_denied"));
}

void TestDeviceGrant::secretsStayOutOfTheLog()
{
    const LogRecorder log;
    QLoggingCategory::setFilterRules(QStringLiteral("latchkey.*.debug=true"));
    const DeviceCodes codes = start();
    QCOMPARE(errorOf(poll(codes.deviceCode)), QStringLiteral("authorization_pending"));
    enterCode(UnknownUserCode);
    signInOnThePage(codes, QStringLiteral("github"), {{QStringLiteral("persona"), QStringLiteral("returning")}});
    QCOMPARE(pollOnTime(codes.deviceCode).status, 200);
    QCOMPARE(errorOf(pollOnTime(codes.deviceCode)), QStringLiteral("invalid_grant"));
    QLoggingCategory::setFilterRules(QString());
    const QString all = LogRecorder::all();
    QVERIFY2(all.contains(QStringLiteral("a device sign-in was approved")), qPrintable(all));
    QVERIFY(!all.contains(codes.deviceCode));
    QVERIFY(!all.contains(codes.userCode));
    QVERIFY(!all.contains(QString(codes.userCode).remove(u'-')));
    QVERIFY(!all.contains(UnknownUserCode));
    QVERIFY(!all.contains(QString(UnknownUserCode).remove(u'-')));
}

QTEST_GUILESS_MAIN(TestDeviceGrant)
#include "TestDeviceGrant.moc"
