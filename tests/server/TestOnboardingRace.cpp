// 20 people race for one username at once: exactly one gets it.

#include "Protocol.h"
#include "SignInRobot.h"
#include "TestServer.h"

#include <QJsonDocument>
#include <QTest>

class TestOnboardingRace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data() { TestDatabase::addBackendRows(); }
    void twentyConcurrentOnboardsOneWinner();
};

void TestOnboardingRace::twentyConcurrentOnboardsOneWinner()
{
    LATCHKEY_USE_BACKEND();
    constexpr int Racers = 20;
    TestServer server;
    QVERIFY(server.start());
    HttpRobot http;
    SignInRobot robot(server.issuer(), http);

    QList<QByteArray> bodies;
    for (int i = 0; i < Racers; ++i) {
        AuthorizationRequest request = robot.newRequest();
        const QString token = robot.onboardingTokenFor(request, QStringLiteral("github"),
                                                       QStringLiteral("racer-%1").arg(i));
        QVERIFY(!token.isEmpty());
        bodies.append(QJsonDocument(QJsonObject{{"onboarding_token", token},
                                                {"code_verifier", QString::fromLatin1(request.verifier)},
                                                {"client_id", QLatin1String(Protocol::DefaultClientId)},
                                                {"username", "highlander"},
                                                {"accepted_terms", robot.termsVersion()}})
                          .toJson(QJsonDocument::Compact));
    }
    // Each racer on a connection manager of its own, all requests in flight together.
    std::vector<std::unique_ptr<HttpRobot>> clients;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < Racers; ++i) {
        clients.push_back(std::make_unique<HttpRobot>());
        replies.append(
            clients.back()->start("POST", server.url(QStringLiteral("/api/account/onboard")), bodies.at(i),
                                  {{"Content-Type", "application/json"}, {"Idempotency-Key", QByteArray::number(i)}}));
    }
    int created = 0;
    int taken = 0;
    for (QNetworkReply *reply : replies) {
        const HttpResult result = HttpRobot::collect(reply);
        if (result.status == 201)
            ++created;
        else if (result.status == 409
                 && result.json().value(QLatin1String("error")).toString() == QLatin1String("username_taken"))
            ++taken;
        else
            QFAIL(qPrintable(
                QStringLiteral("unexpected answer %1: %2").arg(result.status).arg(QString::fromUtf8(result.body))));
    }
    QCOMPARE(created, 1);
    QCOMPARE(taken, Racers - 1);
}

QTEST_GUILESS_MAIN(TestOnboardingRace)
#include "TestOnboardingRace.moc"
