// latchkey-server's request parsing, through its real handlers: an
// in-process server in QA mode on 127.0.0.1 takes each input as the body of
// one request to LATCHKEY_FUZZ_PATH (POST /token, /revoke or
// /api/account/onboard; for onboard, the input's first line is the
// Idempotency-Key). Placeholders are replaced by live values, minted by
// signing in through the simulated providers, so mutations reach beyond the
// first lookup:
//   @CODE@ @NEWCODE@   an unused authorization code of a returning / a new person
//   @VERIFIER@         its code_verifier (onboard: the onboarding token's)
//   @REDIRECT_URI@     its redirect_uri
//   @REFRESH@ @ACCESS@ a signed-in session's refresh and access token
//   @ONBOARDING@       an onboarding token
// Every request gets a JSON answer below 500, and the server stays up.
#include "FuzzSupport.h"
#include "SignInRobot.h"
#include "TestServer.h"

#include <QJsonDocument>

#include <cstdlib>
#include <memory>

namespace {

constexpr int OnboardingTokenUses = 15; // below the onboard limit of 20 a minute per token

bool has(const QByteArray &input, const char *placeholder)
{
    return input.contains(placeholder);
}

class Fixture
{
public:
    Fixture()
        : m_server(config())
    {
        if (const auto started = m_server.start(); !started)
            FuzzSupport::failed(qPrintable(started.error().description), __FILE__, __LINE__);
        m_robot = std::make_unique<SignInRobot>(m_server.issuer(), m_http);
    }

    quint16 port() { return m_server.server().port(); }

    QByteArray fill(QByteArray body)
    {
        if (has(body, "@CODE@") || has(body, "@NEWCODE@") || has(body, "@REDIRECT_URI@") || has(body, "@VERIFIER@"))
            m_request = m_robot->newRequest();
        if (has(body, "@CODE@"))
            body.replace("@CODE@", code(false));
        if (has(body, "@NEWCODE@"))
            body.replace("@NEWCODE@", code(true));
        if (has(body, "@REFRESH@") || has(body, "@ACCESS@")) {
            signIn();
            body.replace("@REFRESH@", m_refreshToken).replace("@ACCESS@", m_accessToken);
        }
        if (has(body, "@ONBOARDING@")) {
            onboardingToken();
            body.replace("@ONBOARDING@", m_onboardingToken);
            ++m_onboardingUses;
        }
        const AuthorizationRequest &verifierOf = isOnboard() ? m_onboardingRequest : m_request;
        body.replace("@VERIFIER@", verifierOf.verifier);
        body.replace("@REDIRECT_URI@", m_request.redirectUri.toUtf8());
        return body;
    }

    // What the request used up is minted again next time.
    void used(const QByteArray &input, int status)
    {
        if (has(input, "@REFRESH@") || (has(input, "@ACCESS@") && !isOnboard() && isRevoke()))
            m_refreshToken.clear();
        if (has(input, "@ONBOARDING@") && (status == 201 || status == 429 || m_onboardingUses >= OnboardingTokenUses))
            m_onboardingToken.clear();
    }

private:
    // Every request comes from 127.0.0.1: the per-address limits would soon
    // answer everything with 429 and leave the parsers behind them unfuzzed.
    static ServerConfig config()
    {
        ServerConfig config = qaServerConfig();
        config.authorizePerAddressPerMinute = 1'000'000;
        config.tokenPerAddressPerMinute = 1'000'000;
        config.usernameChecksPerAddressPerMinute = 1'000'000;
        config.onboardsPerAddressPerMinute = 1'000'000;
        config.callbacksPerAddressPerMinute = 1'000'000;
        return config;
    }

    static bool isOnboard() { return QByteArrayView(LATCHKEY_FUZZ_PATH) == "/api/account/onboard"; }
    static bool isRevoke() { return QByteArrayView(LATCHKEY_FUZZ_PATH) == "/revoke"; }

    QString newIdentity() { return QStringLiteral("fuzz-%1").arg(++m_identities); }

    QByteArray code(bool newPerson)
    {
        const QUrlQuery callback = newPerson
            ? m_robot->signInAs(m_request, QStringLiteral("google"), newIdentity(), {}, false, {})
            : m_robot->signInWithPersona(m_request, QStringLiteral("google"), QStringLiteral("returning"));
        const QByteArray code = callback.queryItemValue(QStringLiteral("code")).toUtf8();
        FUZZ_EXPECT(!code.isEmpty());
        return code;
    }

    void signIn()
    {
        if (!m_refreshToken.isEmpty())
            return;
        const AuthorizationRequest request = m_robot->newRequest();
        const QUrlQuery callback = m_robot->signInWithPersona(request, QStringLiteral("github"),
                                                              QStringLiteral("returning"));
        const QString code = callback.queryItemValue(QStringLiteral("code"));
        const QJsonObject tokens = m_robot->exchangeCode(request, code).json();
        m_refreshToken = tokens.value(QLatin1String("refresh_token")).toString().toUtf8();
        m_accessToken = tokens.value(QLatin1String("access_token")).toString().toUtf8();
        FUZZ_EXPECT(!m_refreshToken.isEmpty() && !m_accessToken.isEmpty());
    }

    void onboardingToken()
    {
        if (!m_onboardingToken.isEmpty())
            return;
        m_onboardingRequest = m_robot->newRequest();
        m_onboardingToken = m_robot
                                ->onboardingTokenFor(m_onboardingRequest, QStringLiteral("google"), newIdentity(),
                                                     QStringLiteral("%1@example.org").arg(m_identities), true,
                                                     QStringLiteral("Fuzz Person"))
                                .toUtf8();
        FUZZ_EXPECT(!m_onboardingToken.isEmpty());
        m_onboardingUses = 0;
    }

    TestServer m_server;
    HttpRobot m_http;
    std::unique_ptr<SignInRobot> m_robot;
    int m_identities = 0;
    AuthorizationRequest m_request;
    QByteArray m_refreshToken;
    QByteArray m_accessToken;
    AuthorizationRequest m_onboardingRequest;
    QByteArray m_onboardingToken;
    int m_onboardingUses = 0;
};

Fixture *theFixture = nullptr;

Fixture &fixture()
{
    // The server runs for the whole fuzzing run. It goes before Qt's own
    // globals at exit: the network thread of HttpRobot must not outlive them.
    if (!theFixture) {
        theFixture = new Fixture;
        std::atexit([] { delete theFixture; });
    }
    return *theFixture;
}

QByteArray request(const QByteArray &input, Fixture &f)
{
    QByteArray headers = "POST " LATCHKEY_FUZZ_PATH " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    QByteArray body = input;
    if (QByteArrayView(LATCHKEY_FUZZ_PATH) == "/api/account/onboard") {
        const qsizetype newline = input.indexOf('\n');
        QByteArray key = newline < 0 ? QByteArray() : input.first(newline);
        key.replace('\r', "").replace('\0', "");
        body = newline < 0 ? input : input.sliced(newline + 1);
        headers += "Content-Type: application/json\r\nIdempotency-Key: " + key + "\r\n";
    } else {
        headers += "Content-Type: application/x-www-form-urlencoded\r\n";
    }
    body = f.fill(body);
    return headers + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzSupport::startApplication();
    Fixture &f = fixture();
    const QByteArray input = FuzzSupport::bytes(data, size);
    const FuzzSupport::HttpAnswer answer = FuzzSupport::exchange(f.port(), request(input, f));
    f.used(input, answer.status);
    FUZZ_EXPECT(answer.status >= 200 && answer.status < 500);
    FUZZ_EXPECT(QJsonDocument::fromJson(answer.body).isObject());
    return 0;
}
