// The wizard's link page (PROTOCOL.md 6.5, from email_in_use with
// link_available), driven page by page against a small server that answers
// as the contract says: what the page says, the link request it sends, and
// a sentence for every answer. The whole flow with the real server, the
// browser and the linked account: TestOnboardingWizard.

#include "AccessibilityAudit.h"
#include "OnboardingClient.h"
#include "OnboardingWizard.h"
#include "PendingLink.h"
#include "Screenshots.h"
#include "UiTestMain.h"

#include <QApplication>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

namespace {
constexpr int Timeout = 10000;
}

class TestLinkAccountPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void emailInUseOffersLink();
    void cancelAsksAboutTheLink();
    void linkRequestAnswers_data();
    void linkRequestAnswers();
    void signInInsteadNamesTheProvider();
    void withoutLinkingTheOldSentenceStays();

private:
    // Creates the wizard on its last page and presses "Create account".
    void submitToEmailInUse(bool linkAvailable, bool endpoint = true);
    template<typename T>
    T *find(const char *name) const
    {
        return m_wizard->findChild<T *>(QLatin1String(name));
    }

    QHttpServer m_server;
    QString m_base;
    QNetworkAccessManager m_network;
    bool m_linkAvailable = true;
    int m_linkStatus = 201;
    QByteArray m_linkAnswer;
    QJsonObject m_linkBody;
    std::unique_ptr<OnboardingClient> m_client;
    std::unique_ptr<OnboardingWizard> m_wizard;
};

void TestLinkAccountPage::initTestCase()
{
    auto *tcp = new QTcpServer(&m_server);
    QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
    m_server.bind(tcp);
    m_base = QStringLiteral("http://127.0.0.1:%1").arg(tcp->serverPort());
    m_server.route("/onboard", [this](const QHttpServerRequest &) {
        QJsonObject body{{"error", "email_in_use"},
                         {"error_description", "Another account already uses this email."},
                         {"providers", QJsonArray{"GitHub"}}};
        if (m_linkAvailable)
            body.insert("link_available", true);
        return QHttpServerResponse(body, QHttpServerResponse::StatusCode::Conflict);
    });
    m_server.route("/link-request", [this](const QHttpServerRequest &request) {
        m_linkBody = QJsonDocument::fromJson(request.body()).object();
        return QHttpServerResponse("application/json", m_linkAnswer, QHttpServerResponse::StatusCode(m_linkStatus));
    });
}

void TestLinkAccountPage::init()
{
    m_linkAvailable = true;
    m_linkStatus = 201;
    m_linkAnswer = R"({"link_id":"lk_42","expires_in":600,"providers":[{"id":"github","name":"GitHub"}]})";
    m_linkBody = {};
}

void TestLinkAccountPage::cleanup()
{
    m_wizard.reset();
    m_client.reset();
}

void TestLinkAccountPage::submitToEmailInUse(bool linkAvailable, bool endpoint)
{
    m_linkAvailable = linkAvailable;
    OnboardingContext c;
    c.token = "onboarding.token";
    c.codeVerifier = "the-verifier";
    c.provider = "Google";
    c.providerId = "google";
    c.email = "rita@example.org";
    c.emailVerified = true;
    c.name = "Rita";
    c.preferredUsername = "rita.g";
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + 600;
    c.onboardingEndpoint = QUrl(m_base + "/onboard");
    c.usernameCheckEndpoint = QUrl(m_base + "/username-check");
    if (endpoint)
        c.linkRequestEndpoint = QUrl(m_base + "/link-request");
    m_client = std::make_unique<OnboardingClient>(&m_network, c, "latchkey-desktop");
    m_wizard = std::make_unique<OnboardingWizard>(m_client.get(), &m_network,
                                                  [] { return QDateTime::currentSecsSinceEpoch(); });
    m_wizard->setStartId(OnboardingWizard::CreateId);
    m_wizard->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_wizard.get()));
    QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CreateId));
    QTest::mouseClick(m_wizard->button(QWizard::FinishButton), Qt::LeftButton);
}

void TestLinkAccountPage::emailInUseOffersLink()
{
    submitToEmailInUse(true);
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::LinkId), Timeout);
    const QString text = find<QLabel>("linkExplanationLabel")->text();
    QVERIFY2(text.contains("rita@example.org") && text.contains("GitHub") && text.contains("Google"), qPrintable(text));
    QCOMPARE(find<QLabel>("linkExplanationLabel")->textFormat(), Qt::PlainText);
    QCOMPARE(m_wizard->button(QWizard::FinishButton)->text(), QStringLiteral("&Link Google to it"));
    QVERIFY(m_wizard->button(QWizard::FinishButton)->isVisible());
    QVERIFY(!m_wizard->button(QWizard::BackButton)->isVisible()); // no second account for this address
    QVERIFY(find<QPushButton>("signInInsteadButton")->isVisible());
    QVERIFY(find<QPushButton>("signInInsteadButton")->text().contains("GitHub"));
    Screenshots::save(m_wizard.get(), "wizard-5-link");
    LATCHKEY_VERIFY_ACCESSIBLE(m_wizard.get());

    QSignalSpy ready(m_wizard.get(), &OnboardingWizard::linkReady);
    QTest::mouseClick(m_wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QVERIFY(ready.wait(Timeout));
    const auto link = ready.first().first().value<PendingLink>();
    QCOMPARE(link.linkId, QStringLiteral("lk_42"));
    QCOMPARE(link.providers.value(0).id, QStringLiteral("github"));
    // The same proof as onboarding.
    QCOMPARE(m_linkBody.value("onboarding_token").toString(), QStringLiteral("onboarding.token"));
    QCOMPARE(m_linkBody.value("code_verifier").toString(), QStringLiteral("the-verifier"));
    QCOMPARE(m_linkBody.value("client_id").toString(), QStringLiteral("latchkey-desktop"));
}

// Cancel on the link page asks about the link, not about a registration.
void TestLinkAccountPage::cancelAsksAboutTheLink()
{
    submitToEmailInUse(true);
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::LinkId), Timeout);
    QString asked;
    QTimer::singleShot(100, this, [&asked] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        asked = box->windowTitle() + u' ' + box->text();
        QTest::mouseClick(box->findChild<QPushButton *>("keepGoingButton"), Qt::LeftButton);
    });
    QTest::mouseClick(m_wizard->button(QWizard::CancelButton), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!asked.isEmpty(), Timeout);
    QVERIFY2(asked.startsWith(QLatin1String("Stop linking?")) && asked.contains(QLatin1String("Nothing will be linked")),
             qPrintable(asked));
    QVERIFY(m_wizard->isVisible());
}

void TestLinkAccountPage::linkRequestAnswers_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QString>("sentence");
    QTest::addColumn<bool>("restart");
    QTest::newRow("expired registration")
        << 401 << QByteArray(R"({"error":"invalid_token","reason":"expired"})") << "no longer valid" << true;
    QTest::newRow("already completed") << 409 << QByteArray(R"({"error":"onboarding_already_completed"})")
                                       << "no longer valid" << true;
    QTest::newRow("link unavailable") << 409 << QByteArray(R"({"error":"link_unavailable"})")
                                      << "can't be linked from here" << false;
    QTest::newRow("rate limited") << 429 << QByteArray(R"({"error":"slow_down"})") << "Linking could not start" << false;
    QTest::newRow("server failure") << 503 << QByteArray("{}") << "Linking could not start" << false;
}

void TestLinkAccountPage::linkRequestAnswers()
{
    QFETCH(int, status);
    QFETCH(QByteArray, answer);
    QFETCH(QString, sentence);
    QFETCH(bool, restart);
    m_linkStatus = status;
    m_linkAnswer = answer;
    submitToEmailInUse(true);
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::LinkId), Timeout);
    QSignalSpy ready(m_wizard.get(), &OnboardingWizard::linkReady);
    QTest::mouseClick(m_wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(find<QLabel>("linkStatusLabel")->text().contains(sentence), Timeout);
    QCOMPARE(ready.count(), 0);
    QCOMPARE(find<QPushButton>("linkRestartButton")->isVisible(), restart);
    QVERIFY(m_wizard->button(QWizard::FinishButton)->isEnabled()); // another try stays possible
    if (restart) {
        Screenshots::save(m_wizard.get(), "wizard-5-link-expired");
        LATCHKEY_VERIFY_ACCESSIBLE(m_wizard.get());
        QSignalSpy restarted(m_wizard.get(), &OnboardingWizard::restartRequested);
        QTest::mouseClick(find<QPushButton>("linkRestartButton"), Qt::LeftButton);
        QCOMPARE(restarted.count(), 1);
    }
}

void TestLinkAccountPage::signInInsteadNamesTheProvider()
{
    submitToEmailInUse(true);
    QTRY_COMPARE_WITH_TIMEOUT(m_wizard->currentId(), int(OnboardingWizard::LinkId), Timeout);
    QSignalSpy instead(m_wizard.get(), &OnboardingWizard::signInInsteadRequested);
    QTest::mouseClick(find<QPushButton>("signInInsteadButton"), Qt::LeftButton);
    QCOMPARE(instead.count(), 1);
    QCOMPARE(instead.first().first().toString(), QStringLiteral("GitHub"));
    QVERIFY(!m_wizard->isVisible());
}

// A server without link_available, or a standard OP without the endpoint:
// the page stays with today's sentence.
void TestLinkAccountPage::withoutLinkingTheOldSentenceStays()
{
    for (const bool linkAvailable : {false, true}) {
        submitToEmailInUse(linkAvailable, !linkAvailable);
        QTRY_VERIFY_WITH_TIMEOUT(find<QLabel>("createStatusLabel")->text().contains("already exists"), Timeout);
        QCOMPARE(m_wizard->currentId(), int(OnboardingWizard::CreateId));
        QVERIFY(find<QPushButton>("restartSignInButton")->isVisible());
        cleanup();
    }
}

LATCHKEY_UI_TEST_MAIN(TestLinkAccountPage)
#include "TestLinkAccountPage.moc"
