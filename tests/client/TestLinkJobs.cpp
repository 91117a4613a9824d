// The linking extension's network calls (PROTOCOL.md 6.5) against a small
// server that answers as the contract says and records what it was sent:
// each request's shape, each answer's reading, and an error row for every
// answer the contract lists. The whole flow against the real reference
// server: TestLinkingFlows.

#include "IdentitiesJob.h"
#include "LinkRequestJob.h"
#include "RemoveIdentityJob.h"

#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using Code = ClientError::Code;

namespace {
// What the contract server last received.
struct Received
{
    QHttpServerRequest::Method method = QHttpServerRequest::Method::Unknown;
    QString path;
    QByteArray authorization;
    QByteArray contentType;
    QJsonObject body;
};
} // namespace

class TestLinkJobs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void linkRequestFromOnboarding_data();
    void linkRequestFromOnboarding();
    void linkRequestFromSession();
    void identitiesAreRead_data();
    void identitiesAreRead();
    void removeIdentity_data();
    void removeIdentity();

private:
    QHttpServerResponse answer(const QHttpServerRequest &request);
    QUrl url(const QString &path) const { return QUrl(m_base + path); }
    // Runs `job` to its end; false when finished() never came.
    static bool run(NetworkJob *job);

    QHttpServer m_server;
    QString m_base;
    QNetworkAccessManager m_network;
    int m_status = 200;
    QByteArray m_answer;
    QByteArray m_retryAfter;
    Received m_received;
};

void TestLinkJobs::initTestCase()
{
    auto *tcp = new QTcpServer(&m_server);
    QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
    m_server.bind(tcp);
    m_base = QStringLiteral("http://127.0.0.1:%1").arg(tcp->serverPort());
    m_server.route("/api/account/link-request", [this](const QHttpServerRequest &r) { return answer(r); });
    m_server.route("/api/account/identities", [this](const QHttpServerRequest &r) { return answer(r); });
    m_server.route("/api/account/identities/<arg>",
                   [this](const QString &, const QHttpServerRequest &r) { return answer(r); });
}

QHttpServerResponse TestLinkJobs::answer(const QHttpServerRequest &request)
{
    m_received.method = request.method();
    m_received.path = request.url().path(QUrl::FullyEncoded);
    m_received.authorization = request.value("Authorization");
    m_received.contentType = request.value("Content-Type");
    m_received.body = QJsonDocument::fromJson(request.body()).object();
    QHttpServerResponse response("application/json", m_answer, QHttpServerResponse::StatusCode(m_status));
    if (!m_retryAfter.isEmpty())
        response.setHeader("Retry-After", m_retryAfter);
    return response;
}

bool TestLinkJobs::run(NetworkJob *job)
{
    QSignalSpy finished(job, &NetworkJob::finished);
    job->start();
    return finished.count() == 1 || finished.wait(10000);
}

void TestLinkJobs::linkRequestFromOnboarding_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<Code>("code");
    QTest::addColumn<QString>("serverError");
    QTest::addColumn<QString>("linkId");

    QTest::newRow("created") << 201
                             << QByteArray(R"({"link_id":"lk_1","expires_in":600,)"
                                           R"("providers":[{"id":"github","name":"GitHub"}]})")
                             << Code::None << QString() << "lk_1";
    QTest::newRow("expired registration") << 401 << QByteArray(R"({"error":"invalid_token","reason":"expired"})")
                                          << Code::ServerRefused << "invalid_token" << QString();
    QTest::newRow("already completed") << 409 << QByteArray(R"({"error":"onboarding_already_completed"})")
                                       << Code::ServerRefused << "onboarding_already_completed" << QString();
    QTest::newRow("rate limited") << 429 << QByteArray(R"({"error":"slow_down"})") << Code::RateLimited << "slow_down"
                                  << QString();
    QTest::newRow("no link_id") << 201 << QByteArray(R"({"expires_in":600,"providers":[]})") << Code::InvalidResponse
                                << QString() << QString();
    QTest::newRow("link_id not a string")
        << 201 << QByteArray(R"({"link_id":7})") << Code::InvalidResponse << QString() << QString();
    QTest::newRow("server failure") << 500 << QByteArray("oops") << Code::ServerFailure << QString() << QString();
}

void TestLinkJobs::linkRequestFromOnboarding()
{
    QFETCH(int, status);
    QFETCH(QByteArray, answer);
    QFETCH(Code, code);
    QFETCH(QString, serverError);
    QFETCH(QString, linkId);
    m_status = status;
    m_answer = answer;
    m_retryAfter = status == 429 ? QByteArray("7") : QByteArray();
    std::unique_ptr<LinkRequestJob> job(LinkRequestJob::fromOnboarding(&m_network, url("/api/account/link-request"),
                                                                       "onb.token", "verifier-123", "latchkey-desktop"));
    QVERIFY(run(job.get()));
    // The same proof as onboarding, as JSON, and no Bearer token.
    QCOMPARE(m_received.method, QHttpServerRequest::Method::Post);
    QCOMPARE(m_received.contentType, QByteArray("application/json"));
    QVERIFY(m_received.authorization.isEmpty());
    QCOMPARE(m_received.body.value("onboarding_token").toString(), QStringLiteral("onb.token"));
    QCOMPARE(m_received.body.value("code_verifier").toString(), QStringLiteral("verifier-123"));
    QCOMPARE(m_received.body.value("client_id").toString(), QStringLiteral("latchkey-desktop"));
    QVERIFY(!m_received.body.contains("provider"));

    QCOMPARE(job->error().code, code);
    QCOMPARE(job->error().serverError, serverError);
    QCOMPARE(job->link().linkId, linkId);
    if (code == Code::None) {
        QCOMPARE(job->link().expiresIn, 600);
        QCOMPARE(job->link().providers.size(), 1);
        QCOMPARE(job->link().providers.first().id, QStringLiteral("github"));
        QCOMPARE(job->link().providers.first().name, QStringLiteral("GitHub"));
    }
    if (code == Code::RateLimited)
        QCOMPARE(job->error().retryAfter, 7);
}

void TestLinkJobs::linkRequestFromSession()
{
    m_status = 403;
    m_answer = R"({"error":"reauthentication_required"})";
    m_retryAfter.clear();
    std::unique_ptr<LinkRequestJob> job(LinkRequestJob::fromSession(&m_network, url("/api/account/link-request"),
                                                                    "access.jwt", "latchkey-desktop", "google"));
    QVERIFY(run(job.get()));
    QCOMPARE(m_received.authorization, QByteArray("Bearer access.jwt"));
    QCOMPARE(m_received.contentType, QByteArray("application/json"));
    QCOMPARE(m_received.body.value("client_id").toString(), QStringLiteral("latchkey-desktop"));
    QCOMPARE(m_received.body.value("provider").toString(), QStringLiteral("google"));
    QVERIFY(!m_received.body.contains("onboarding_token"));
    QCOMPARE(job->error().code, Code::ServerRefused);
    QCOMPARE(job->error().httpStatus, 403);
    QCOMPARE(job->error().serverError, QStringLiteral("reauthentication_required"));
}

void TestLinkJobs::identitiesAreRead_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<Code>("code");
    QTest::addColumn<QStringList>("providerIds");

    QTest::newRow("two")
        << 200
        << QByteArray(R"({"identities":[)"
                      R"({"provider_id":"github","provider":"GitHub","email":"r@x.org","linked_at":1764000000},)"
                      R"({"provider_id":"google","provider":"Google","email":"r@x.org","linked_at":1765000000}]})")
        << Code::None << QStringList{"github", "google"};
    QTest::newRow("entry without id left out")
        << 200 << QByteArray(R"({"identities":[{"provider":"Nameless"},{"provider_id":"github"}]})") << Code::None
        << QStringList{"github"};
    QTest::newRow("no list") << 200 << QByteArray(R"({"identity":[]})") << Code::InvalidResponse << QStringList();
    QTest::newRow("token expired") << 401 << QByteArray(R"({"error":"invalid_token"})") << Code::ServerRefused
                                   << QStringList();
}

void TestLinkJobs::identitiesAreRead()
{
    QFETCH(int, status);
    QFETCH(QByteArray, answer);
    QFETCH(Code, code);
    QFETCH(QStringList, providerIds);
    m_status = status;
    m_answer = answer;
    IdentitiesJob job(&m_network, url("/api/account/identities"), "access.jwt");
    QVERIFY(run(&job));
    QCOMPARE(m_received.method, QHttpServerRequest::Method::Get);
    QCOMPARE(m_received.authorization, QByteArray("Bearer access.jwt"));
    QCOMPARE(job.error().code, code);
    QStringList ids;
    for (const IdentityInfo &identity : job.identities())
        ids.append(identity.providerId);
    QCOMPARE(ids, providerIds);
    if (QByteArray(QTest::currentDataTag()) == "two") {
        QCOMPARE(job.identities().first().provider, QStringLiteral("GitHub"));
        QCOMPARE(job.identities().first().email, QStringLiteral("r@x.org"));
        QCOMPARE(job.identities().first().linkedAt, 1764000000);
    }
    if (QByteArray(QTest::currentDataTag()) == "entry without id left out")
        QCOMPARE(job.identities().first().provider, QStringLiteral("github")); // the id stands in for the name
}

void TestLinkJobs::removeIdentity_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<Code>("code");
    QTest::addColumn<QString>("serverError");

    QTest::newRow("204") << 204 << QByteArray() << Code::None << QString();
    QTest::newRow("200") << 200 << QByteArray("{}") << Code::None << QString();
    QTest::newRow("last identity") << 409 << QByteArray(R"({"error":"last_identity"})") << Code::ServerRefused
                                   << "last_identity";
    QTest::newRow("not linked") << 404 << QByteArray(R"({"error":"not_found"})") << Code::ServerRefused << "not_found";
    QTest::newRow("reauthentication") << 403 << QByteArray(R"({"error":"reauthentication_required"})")
                                      << Code::ServerRefused << "reauthentication_required";
}

void TestLinkJobs::removeIdentity()
{
    QFETCH(int, status);
    QFETCH(QByteArray, answer);
    QFETCH(Code, code);
    QFETCH(QString, serverError);
    m_status = status;
    m_answer = answer;
    RemoveIdentityJob job(&m_network, url("/api/account/identities"), "github", "access.jwt");
    QVERIFY(run(&job));
    QCOMPARE(m_received.method, QHttpServerRequest::Method::Delete);
    QCOMPARE(m_received.path, QStringLiteral("/api/account/identities/github"));
    QCOMPARE(m_received.authorization, QByteArray("Bearer access.jwt"));
    QCOMPARE(job.error().code, code);
    QCOMPARE(job.error().serverError, serverError);
    QCOMPARE(job.error().httpStatus, status == 204 || status == 200 ? 0 : status);
}

QTEST_GUILESS_MAIN(TestLinkJobs)
#include "TestLinkJobs.moc"
