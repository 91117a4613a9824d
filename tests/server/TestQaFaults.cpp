// The QA faults of the simulated provider page (docs/qa.md "QA faults"): one
// data row per fault, each asserting its observable effect through HTTP,
// and a row showing that without QA mode a token claiming a fault is obeyed
// by nothing.

#include "Clock.h"
#include "Database.h"
#include "Jws.h"
#include "KeyStore.h"
#include "Pkce.h"
#include "Protocol.h"
#include "QaFaults.h"
#include "ResultAssert.h"
#include "SignInRobot.h"
#include "TestServer.h"
#include "TokenIssuer.h"
#include "TokenStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using Fault = QaFaults::Fault;
Q_DECLARE_METATYPE(QaFaults::Fault)

namespace {
const QString ClientId = QLatin1String(Protocol::DefaultClientId);

QString claimOf(const QString &jwt, const char *name)
{
    return Jws::decodeUnverified(jwt.toLatin1()).payload.value(QLatin1String(name)).toString();
}

QString claimOf(const HttpResult &tokenResponse, const char *name)
{
    return claimOf(tokenResponse.json().value(QLatin1String("id_token")).toString(), name);
}
} // namespace

class TestQaFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();

    void faultHasItsEffect_data();
    void faultHasItsEffect();
    void faultClaimIgnoredWithoutQaMode_data();
    void faultClaimIgnoredWithoutQaMode();

private:
    // Signs in as a new persona with `fault`; returns the token endpoint's answer.
    HttpResult signInWith(const QString &fault, AuthorizationRequest *request);
    HttpResult onboard(const QString &token, const AuthorizationRequest &request, const QString &key = {});

    // The raw onboard request, and sending it where no HTTP client retries.
    QByteArray onboardRequest(const QString &token, const AuthorizationRequest &request,
                              const QByteArray &idempotencyKey) const;
    QByteArray sendWithoutRetry(const QByteArray &request);

    void providerDown();
    void onboardSlow(const QString &token, const AuthorizationRequest &request);
    void onboard503Once(const QString &token, const AuthorizationRequest &request);
    void onboardResponseLost(const QString &token, const AuthorizationRequest &request);
    void usernameCheckDown(const QString &token);
    void onboardingExpires30s(const QString &token);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
    std::unique_ptr<SignInRobot> m_robot;
    QString m_username;
};

void TestQaFaults::initTestCase_data()
{
    TestDatabase::addBackendRows();
}

void TestQaFaults::init()
{
    LATCHKEY_USE_BACKEND();
    m_server = std::make_unique<TestServer>();
    QVERIFY_OK(m_server->start());
    m_http = std::make_unique<HttpRobot>();
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);
    m_username = QStringLiteral("faulty");
}

void TestQaFaults::cleanup()
{
    m_robot.reset();
    m_http.reset();
    m_server.reset();
}

HttpResult TestQaFaults::signInWith(const QString &fault, AuthorizationRequest *request)
{
    *request = m_robot->newRequest();
    const QUrlQuery callback = m_robot->signInWithPersona(*request, QStringLiteral("github"), QStringLiteral("new"),
                                                          {{QStringLiteral("fault"), fault}});
    return m_robot->exchangeCode(*request, callback.queryItemValue(QStringLiteral("code")));
}

HttpResult TestQaFaults::onboard(const QString &token, const AuthorizationRequest &request, const QString &key)
{
    return m_robot->onboard(token, request.verifier, m_username, key.isEmpty() ? QStringLiteral("key-1") : key);
}

void TestQaFaults::faultHasItsEffect_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<Fault>("fault");
    for (const auto &entry : QaFaults::all())
        QTest::newRow(qPrintable(entry.key)) << entry.key << entry.fault;
}

void TestQaFaults::faultHasItsEffect()
{
    QFETCH(QString, key);
    QFETCH(Fault, fault);
    AuthorizationRequest request;
    if (fault == Fault::ProviderDown)
        return providerDown();
    const HttpResult exchanged = signInWith(key, &request);
    if (fault == Fault::TokenEndpointDown) {
        QCOMPARE(exchanged.status, 503);
        QCOMPARE(exchanged.json().value(QLatin1String("error")).toString(), QStringLiteral("temporarily_unavailable"));
        QVERIFY(!exchanged.header("Retry-After").isEmpty());
        return;
    }
    QCOMPARE(exchanged.status, 200);
    const QString token = exchanged.json().value(QLatin1String("onboarding_token")).toString();
    QVERIFY(!token.isEmpty());
    switch (fault) {
    case Fault::OnboardSlow:
        return onboardSlow(token, request);
    case Fault::Onboard503Once:
        return onboard503Once(token, request);
    case Fault::OnboardResponseLost:
        return onboardResponseLost(token, request);
    case Fault::UsernameCheckDown:
        return usernameCheckDown(token);
    case Fault::OnboardingExpires30s:
        return onboardingExpires30s(token);
    case Fault::TokenEndpointDown:
    case Fault::ProviderDown:
    case Fault::None:
        break;
    }
    QFAIL("a fault without a check");
}

void TestQaFaults::providerDown()
{
    const AuthorizationRequest request = m_robot->newRequest();
    const QUrlQuery callback = m_robot->signInWithPersona(request, QStringLiteral("github"), QStringLiteral("new"),
                                                          {{QStringLiteral("fault"), QStringLiteral("provider-down")}});
    QVERIFY(callback.queryItemValue(QStringLiteral("code")).isEmpty());
    QCOMPARE(callback.queryItemValue(QStringLiteral("error")), QStringLiteral("temporarily_unavailable"));
    QVERIFY(callback.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded)
                .contains(QLatin1String("GitHub could not be reached")));
}

void TestQaFaults::onboardSlow(const QString &token, const AuthorizationRequest &request)
{
    // A sanity bound that the fault happened, not a performance assertion.
    QElapsedTimer elapsed;
    elapsed.start();
    QCOMPARE(onboard(token, request).status, 201);
    QVERIFY(elapsed.elapsed() >= QaFaults::SlowOnboardMs);
}

void TestQaFaults::onboard503Once(const QString &token, const AuthorizationRequest &request)
{
    const HttpResult first = onboard(token, request);
    QCOMPARE(first.status, 503);
    QCOMPARE(first.json().value(QLatin1String("error")).toString(), QStringLiteral("temporarily_unavailable"));
    QVERIFY(!first.header("Retry-After").isEmpty());
    QCOMPARE(onboard(token, request).status, 201);
}

void TestQaFaults::onboardResponseLost(const QString &token, const AuthorizationRequest &request)
{
    // On a bare socket: QNetworkAccessManager itself resends a request whose
    // connection closed before any answer, which would hide the drop.
    QCOMPARE(sendWithoutRetry(onboardRequest(token, request, "wizard-key")), QByteArray());
    const HttpResult taken = m_robot->usernameCheck(token, m_username);
    QCOMPARE(taken.json().value(QLatin1String("reason")).toString(), QStringLiteral("taken"));

    const HttpResult retry = onboard(token, request, QStringLiteral("wizard-key"));
    QCOMPARE(retry.status, 201);
    // The account the lost answer created: signing in again reaches it.
    AuthorizationRequest again = m_robot->newRequest();
    const QString userId = claimOf(token, "provider_user_id");
    const QUrlQuery callback = m_robot->signInAs(again, QStringLiteral("github"), userId, {}, false, {});
    const HttpResult signedIn = m_robot->exchangeCode(again, callback.queryItemValue(QStringLiteral("code")));
    QCOMPARE(signedIn.status, 200);
    QCOMPARE(claimOf(retry, "sub"), claimOf(signedIn, "sub"));
}

QByteArray TestQaFaults::onboardRequest(const QString &token, const AuthorizationRequest &request,
                                        const QByteArray &idempotencyKey) const
{
    const QByteArray body = QJsonDocument(QJsonObject{{"onboarding_token", token},
                                                      {"code_verifier", QString::fromLatin1(request.verifier)},
                                                      {"client_id", ClientId},
                                                      {"username", m_username},
                                                      {"accepted_terms", m_robot->termsVersion()}})
                                .toJson(QJsonDocument::Compact);
    return "POST /api/account/onboard HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Idempotency-Key: "
        + idempotencyKey + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray TestQaFaults::sendWithoutRetry(const QByteArray &request)
{
    QTcpSocket socket;
    QSignalSpy closed(&socket, &QTcpSocket::disconnected);
    socket.connectToHost(QHostAddress::LocalHost, m_server->server().port());
    socket.write(request);
    if (!closed.wait(10000))
        return QByteArrayLiteral("(the connection stayed open)");
    return socket.readAll();
}

void TestQaFaults::usernameCheckDown(const QString &token)
{
    const HttpResult check = m_robot->usernameCheck(token, m_username);
    QCOMPARE(check.status, 503);
    QCOMPARE(check.json().value(QLatin1String("error")).toString(), QStringLiteral("temporarily_unavailable"));
}

void TestQaFaults::onboardingExpires30s(const QString &token)
{
    const QJsonObject claims = Jws::decodeUnverified(token.toLatin1()).payload;
    const auto seconds = [&claims](const char *name) { return qint64(claims.value(QLatin1String(name)).toDouble()); };
    QCOMPARE(seconds("exp") - seconds("iat"), qint64(QaFaults::ShortOnboardingLifetime));
}

void TestQaFaults::faultClaimIgnoredWithoutQaMode_data()
{
    QTest::addColumn<QString>("fault");
    QTest::newRow("onboard-503-once") << QStringLiteral("onboard-503-once");
    QTest::newRow("username-check-down") << QStringLiteral("username-check-down");
}

void TestQaFaults::faultClaimIgnoredWithoutQaMode()
{
    QFETCH(QString, fault);
    // A server with a real (unreachable) provider and no QA mode.
    UpstreamSettings provider;
    provider.id = QStringLiteral("corp");
    provider.name = QStringLiteral("Corp");
    provider.type = UpstreamSettings::OAuth2Type;
    provider.authorizationEndpoint = QUrl(QStringLiteral("http://127.0.0.1:9/authorize"));
    provider.tokenEndpoint = QUrl(QStringLiteral("http://127.0.0.1:9/token"));
    provider.userinfoEndpoint = QUrl(QStringLiteral("http://127.0.0.1:9/userinfo"));
    provider.clientId = QStringLiteral("latchkey");
    ServerConfig config;
    config.providers = {provider};
    m_server = std::make_unique<TestServer>(config);
    QVERIFY_OK(m_server->start());
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);

    // The server's own key signs a token claiming the fault, as if a QA build had issued it.
    const QByteArray verifier = Pkce::generateVerifier();
    const QJsonObject claims{{QLatin1String("provider_id"), QStringLiteral("corp")},
                             {QLatin1String("provider_user_id"), QStringLiteral("corp-1")},
                             {QLatin1String("cch"), QString::fromLatin1(Pkce::challengeFor(verifier))},
                             {QLatin1String("scope"), QLatin1String(Protocol::DefaultScope)},
                             {QLatin1String("qa_fault"), fault}};
    const auto token = m_server->forgeOnboardingToken(claims,
                                                      {QStringLiteral("corp"), QStringLiteral("corp-1"),
                                                       QStringLiteral("http://127.0.0.1:9")});
    QVERIFY_OK(token);

    QCOMPARE(m_robot->usernameCheck(*token, m_username).status, 200);
    QCOMPARE(m_robot->onboard(*token, verifier, m_username, QStringLiteral("key-1")).status, 201);
}

QTEST_GUILESS_MAIN(TestQaFaults)
#include "TestQaFaults.moc"
