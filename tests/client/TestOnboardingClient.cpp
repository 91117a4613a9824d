// OnboardingClient against the real reference server: every outcome of
// PROTOCOL.md 6.4, live username checks, and the retry after a lost answer.

#include "OnboardingClient.h"
#include "Pkce.h"
#include "Protocol.h"
#include "SignInRobot.h"
#include "TestServer.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using Outcome = OnboardingClient::Outcome;

// Forwards HTTP to the server but swallows the first answer, as a dropped
// connection would: a fault the real server cannot be made to produce.
class LossyProxy : public QObject
{
    Q_OBJECT
public:
    LossyProxy(quint16 upstreamPort)
        : m_upstream(upstreamPort)
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection())
                relay(client);
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    int requests = 0;

private:
    static bool complete(const QByteArray &message)
    {
        const qsizetype end = message.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        const QByteArray head = message.left(end).toLower();
        const qsizetype at = head.indexOf("content-length:");
        const qsizetype length = at < 0 ? 0 : head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toLongLong();
        return message.size() >= end + 4 + length;
    }

    void relay(QTcpSocket *client)
    {
        auto *request = new QByteArray;
        connect(client, &QTcpSocket::readyRead, this, [this, client, request] {
            *request += client->readAll();
            if (!complete(*request))
                return;
            const bool lose = requests++ == 0;
            auto *upstream = new QTcpSocket(client);
            auto *response = new QByteArray;
            connect(upstream, &QTcpSocket::connected, upstream, [upstream, request] {
                upstream->write(*request);
                request->clear();
            });
            connect(upstream, &QTcpSocket::readyRead, upstream, [client, upstream, response, lose] {
                *response += upstream->readAll();
                if (!complete(*response))
                    return;
                if (!lose)
                    client->write(*response);
                client->disconnectFromHost();
                delete response;
            });
            upstream->connectToHost(QHostAddress::LocalHost, m_upstream);
        });
        connect(client, &QTcpSocket::disconnected, client, [client, request] {
            client->deleteLater();
            delete request;
        });
    }

    QTcpServer m_server;
    quint16 m_upstream;
};

class TestOnboardingClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void outcomes_data();
    void outcomes();
    void staleCheckIsCancelled();
    void checkReportsTakenWithSuggestions();
    void retryAfterLostAnswerCreatesOneAccount();
    void serverDownIsNetworkFailure();

private:
    OnboardingContext contextFor(const QString &userId, const QString &email = {}, bool verified = false);
    std::pair<Outcome, TokenResponse> submit(OnboardingClient &client, const QString &username, bool withTerms = true);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpRobot> m_http;
    std::unique_ptr<SignInRobot> m_robot;
    QNetworkAccessManager m_network;
};

void TestOnboardingClient::init()
{
    ServerConfig config = qaServerConfig();
    config.onboardAttemptsPerMinute = 3;
    m_server = std::make_unique<TestServer>(config);
    QVERIFY(m_server->start());
    m_http = std::make_unique<HttpRobot>();
    m_robot = std::make_unique<SignInRobot>(m_server->issuer(), *m_http);
}

void TestOnboardingClient::cleanup()
{
    m_robot.reset();
    m_http.reset();
    m_server.reset();
}

OnboardingContext TestOnboardingClient::contextFor(const QString &userId, const QString &email, bool verified)
{
    AuthorizationRequest request = m_robot->newRequest();
    OnboardingContext context;
    context.token = m_robot->onboardingTokenFor(request, "github", userId, email, verified, "Olga Onboard");
    context.codeVerifier = request.verifier;
    context.nonce = request.nonce;
    context.onboardingEndpoint = m_server->url("/api/account/onboard");
    context.usernameCheckEndpoint = m_server->url("/api/account/username-check");
    return context;
}

std::pair<Outcome, TokenResponse> TestOnboardingClient::submit(OnboardingClient &client, const QString &username,
                                                               bool withTerms)
{
    QSignalSpy submitted(&client, &OnboardingClient::submitted);
    client.submit(username, {}, withTerms ? m_robot->termsVersion() : QString());
    if (!submitted.wait(15000))
        return {Outcome::Failed, {}};
    return {submitted.first().at(0).value<Outcome>(), submitted.first().at(1).value<TokenResponse>()};
}

void TestOnboardingClient::outcomes_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("email");
    QTest::addColumn<bool>("withTerms");
    QTest::addColumn<Outcome>("outcome");
    QTest::newRow("created") << "olga"
                             << "" << true << Outcome::Created;
    QTest::newRow("taken") << "rita"
                           << "" << true << Outcome::UsernameTaken;
    QTest::newRow("invalid username") << "Olga O"
                                      << "" << true << Outcome::InvalidUsername;
    QTest::newRow("terms not accepted") << "olga"
                                        << "" << false << Outcome::TermsNotAccepted;
    QTest::newRow("email in use") << "olga"
                                  << "rita@example.com" << true << Outcome::EmailInUse;
    QTest::newRow("token expired") << "olga"
                                   << "" << true << Outcome::TokenInvalid;
    QTest::newRow("already completed") << "olga"
                                       << "" << true << Outcome::AlreadyCompleted;
    QTest::newRow("rate limited") << "rita"
                                  << "" << true << Outcome::RateLimited;
}

void TestOnboardingClient::outcomes()
{
    QFETCH(QString, username);
    QFETCH(QString, email);
    QFETCH(bool, withTerms);
    QFETCH(Outcome, outcome);
    const OnboardingContext context = contextFor("gh-olga", email, !email.isEmpty());
    OnboardingClient client(&m_network, context, QLatin1String(Protocol::DefaultClientId));
    const QString row = QString::fromLatin1(QTest::currentDataTag());
    if (row == "token expired")
        m_server->clock().advance(601);
    if (row == "already completed") {
        OnboardingClient otherWizard(&m_network, context, QLatin1String(Protocol::DefaultClientId));
        QCOMPARE(submit(otherWizard, "olga.first").first, Outcome::Created);
    }
    if (row == "rate limited") {
        for (int i = 0; i < 3; ++i)
            QCOMPARE(submit(client, username).first, Outcome::UsernameTaken);
    }
    const auto [result, tokens] = submit(client, username, withTerms);
    QCOMPARE(result, outcome);
    switch (outcome) {
    case Outcome::Created:
        QVERIFY(!tokens.accessToken.isEmpty());
        QVERIFY(!tokens.idToken.isEmpty());
        QVERIFY(!tokens.refreshToken.isEmpty());
        break;
    case Outcome::UsernameTaken:
        QVERIFY(!client.suggestions().isEmpty());
        QVERIFY(!client.suggestions().contains("rita"));
        break;
    case Outcome::InvalidUsername:
        QCOMPARE(client.usernameReason(), QStringLiteral("invalid_character"));
        break;
    case Outcome::TermsNotAccepted:
        QCOMPARE(client.termsVersion(), m_robot->termsVersion());
        break;
    case Outcome::EmailInUse:
        QCOMPARE(client.providers(), QStringList({"GitHub", "Google", "Microsoft"}));
        break;
    case Outcome::TokenInvalid:
        QCOMPARE(client.lastError().body.value("reason").toString(), QStringLiteral("expired"));
        break;
    case Outcome::RateLimited:
        QVERIFY(client.retryAfter() >= 1);
        break;
    default:
        break;
    }
    if (outcome != Outcome::Created)
        QVERIFY(!client.lastError().ok());
}

void TestOnboardingClient::staleCheckIsCancelled()
{
    OnboardingClient client(&m_network, contextFor("gh-checks"), QLatin1String(Protocol::DefaultClientId));
    QSignalSpy checked(&client, &OnboardingClient::usernameChecked);
    client.checkUsername("ol");
    client.checkUsername("olg");
    client.checkUsername("olga.x");
    QVERIFY(checked.wait(10000));
    QTest::qWait(200); // a stale answer would arrive about now
    QCOMPARE(checked.size(), 1);
    QCOMPARE(checked.first().first().value<UsernameCheckJob::Result>().username, QStringLiteral("olga.x"));
}

void TestOnboardingClient::checkReportsTakenWithSuggestions()
{
    OnboardingClient client(&m_network, contextFor("gh-taken"), QLatin1String(Protocol::DefaultClientId));
    QSignalSpy checked(&client, &OnboardingClient::usernameChecked);
    client.checkUsername("sam");
    QVERIFY(checked.wait(10000));
    const auto result = checked.first().first().value<UsernameCheckJob::Result>();
    QVERIFY(!result.available);
    QCOMPARE(result.reason, QStringLiteral("taken"));
    QVERIFY(!result.suggestions.isEmpty());
    for (const QString &suggestion : result.suggestions)
        QCOMPARE(OnboardingClient::checkLocally(suggestion), UsernameRules::Reason::Ok);
}

void TestOnboardingClient::retryAfterLostAnswerCreatesOneAccount()
{
    LossyProxy proxy(m_server->server().port());
    OnboardingContext context = contextFor("gh-lossy");
    context.onboardingEndpoint.setPort(proxy.port());
    OnboardingClient client(&m_network, context, QLatin1String(Protocol::DefaultClientId));
    const auto [result, tokens] = submit(client, "lossy");
    QCOMPARE(result, Outcome::Created);
    QCOMPARE(proxy.requests, 2); // the lost one and the automatic retry
    QVERIFY(!tokens.refreshToken.isEmpty());
    QCOMPARE(m_robot->refresh(tokens.refreshToken).status, 200);
}

void TestOnboardingClient::serverDownIsNetworkFailure()
{
    OnboardingContext context = contextFor("gh-down");
    m_server->stop();
    OnboardingClient client(&m_network, context, QLatin1String(Protocol::DefaultClientId));
    QCOMPARE(submit(client, "olga").first, Outcome::NetworkFailure);
    QCOMPARE(client.lastError().code, ClientError::Code::Network);
}

QTEST_GUILESS_MAIN(TestOnboardingClient)
#include "TestOnboardingClient.moc"
