// The sign-in methods dialog of the signed-in view (PROTOCOL.md 6.5): the
// list, "Remove" with its confirmation and never for the last method,
// "Add" through a browser sign-in, and a re-authentication in between,
// clicked through as a person does. The app runs against the real
// reference server's keys and providers; the linking endpoints and the
// authorization endpoint are the test's own, answering as the contract
// says, so every answer (and every refusal) can be chosen. The whole flow
// on the real server's linking: TestLinkingFlows.

#include "AccessibilityAudit.h"
#include "ClientHarness.h"
#include "DiscoveryOverlay.h"
#include "MainWindow.h"
#include "ResultAssert.h"
#include "Screenshots.h"
#include "SessionManager.h"
#include "SignInMethodsDialog.h"
#include "UiTestMain.h"
#include "VaultJob.h"

#include <QApplication>
#include <QComboBox>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QUrlQuery>

using State = SessionManager::State;

namespace {
constexpr int Timeout = 15000;

QJsonObject identity(const char *id, const char *name, qint64 linkedAt)
{
    return {{"provider_id", id}, {"provider", name}, {"email", "rita@example.com"}, {"linked_at", linkedAt}};
}
} // namespace

class TestSignInMethodsDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void lastMethodCannotBeRemoved();
    void removeAsksFirst();
    void removeActsOnTheSelectedRow();
    void removeAnswers_data();
    void removeAnswers();
    void reauthenticationGoesThroughTheBrowser();
    void addRunsTheBrowserSignIn();
    void hiddenWithoutLinking();

private:
    void startSignedIn();
    SignInMethodsDialog *openDialog();
    // Answers the next message box with the button named `button`.
    void answerQuestion(const char *button);
    template<typename T>
    T *find(const char *name) const
    {
        return m_window->signInMethodsDialog() ? m_window->signInMethodsDialog()->findChild<T *>(QLatin1String(name))
                                               : nullptr;
    }
    QString status() const { return find<QLabel>("methodsStatusLabel")->text(); }
    void select(const QString &provider);

    std::unique_ptr<ClientHarness> m_harness;
    std::unique_ptr<DiscoveryOverlay> m_overlay; // each test's server is new: so is its overlay
    std::unique_ptr<SessionManager> m_session;
    std::unique_ptr<MainWindow> m_window;
    QJsonArray m_identities;
    int m_removeStatus = 204;
    QByteArray m_removeAnswer;
    QList<QString> m_removed;
    QList<QJsonObject> m_linkRequests;
    QList<QByteArray> m_authorizations;
    QByteArray m_redirectQuery = "error=access_denied";
};

void TestSignInMethodsDialog::init()
{
    m_harness = std::make_unique<ClientHarness>();
    QVERIFY_OK(m_harness->start());
    m_identities = {identity("github", "GitHub", 1764000000)};
    m_removeStatus = 204;
    m_removeAnswer.clear();
    m_removed.clear();
    m_linkRequests.clear();
    m_authorizations.clear();
    m_redirectQuery = "error=access_denied";
    {
        m_overlay = std::make_unique<DiscoveryOverlay>();
        QString problem;
        QVERIFY2(m_overlay->start(m_harness->server().issuer(), &problem), qPrintable(problem));
        QHttpServer &server = m_overlay->server();
        server.route("/api/account/identities", [this](const QHttpServerRequest &request) {
            m_authorizations.append(request.value("Authorization"));
            return QHttpServerResponse(QJsonObject{{"identities", m_identities}});
        });
        server.route("/api/account/identities/<arg>", [this](const QString &id, const QHttpServerRequest &request) {
            m_authorizations.append(request.value("Authorization"));
            m_removed.append(id);
            return QHttpServerResponse("application/json", m_removeAnswer,
                                       QHttpServerResponse::StatusCode(m_removeStatus));
        });
        server.route("/api/account/link-request", [this](const QHttpServerRequest &request) {
            m_authorizations.append(request.value("Authorization"));
            m_linkRequests.append(QJsonDocument::fromJson(request.body()).object());
            return QHttpServerResponse(QJsonObject{{"link_id", "lk_7"}, {"expires_in", 600}},
                                       QHttpServerResponse::StatusCode::Created);
        });
        // The browser comes straight back with the chosen answer.
        server.route("/authorize", [this](const QHttpServerRequest &request) {
            const QUrlQuery query(request.url());
            QUrl back(query.queryItemValue("redirect_uri", QUrl::FullyDecoded));
            back.setQuery(QString::fromLatin1(m_redirectQuery) + "&state=" + query.queryItemValue("state"));
            QHttpServerResponse response(QHttpServerResponse::StatusCode::Found);
            response.setHeader("Location", back.toEncoded());
            return response;
        });
    }
    QJsonObject &document = m_overlay->document();
    document.insert("authorization_endpoint", QString(m_overlay->issuer() + "/authorize"));
    document.insert("link_request_endpoint", QString(m_overlay->issuer() + "/api/account/link-request"));
    document.insert("identities_endpoint", QString(m_overlay->issuer() + "/api/account/identities"));
    startSignedIn();
}

void TestSignInMethodsDialog::cleanup()
{
    m_window.reset();
    m_session.reset();
    m_overlay.reset();
    m_harness.reset();
}

// A remembered session, restored from the keychain as at a start of the app.
void TestSignInMethodsDialog::startSignedIn()
{
    ClientConfig config = m_harness->config();
    config.issuer = m_overlay->issuer();
    const AccountProfile rita{config.issuer, "sub-rita", "Rita Returning", "rita", "rita@example.com", true, "GitHub"};
    const StoredSession session{"refresh-1", "access-1", QDateTime::currentSecsSinceEpoch() + 900, {}};
    VaultJob *saved = m_harness->vault().save(rita, session);
    QSignalSpy done(saved, &VaultJob::finished);
    QVERIFY(done.wait(VaultJob::TimeoutMs + 1000));
    QVERIFY(saved->error().ok());
    m_harness->vault().setCurrentAccount(rita);
    m_session = m_harness->newManager(config, ClientHarness::BrowserPath::Window);
    m_window = std::make_unique<MainWindow>(m_session.get(), &m_harness->network(), &m_harness->settings());
    m_window->show();
    m_session->restore();
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedIn, Timeout);
}

SignInMethodsDialog *TestSignInMethodsDialog::openDialog()
{
    auto *button = m_window->findChild<QPushButton *>("signInMethodsButton");
    if (!button || !QTest::qWaitFor([button] { return button->isVisible(); }, Timeout))
        return nullptr;
    QTest::mouseClick(button, Qt::LeftButton);
    SignInMethodsDialog *dialog = m_window->signInMethodsDialog();
    if (!dialog
        || !QTest::qWaitFor([this] { return find<QTreeWidget>("identitiesList")->topLevelItemCount() > 0; }, Timeout))
        return nullptr;
    return dialog;
}

void TestSignInMethodsDialog::answerQuestion(const char *button)
{
    QTimer::singleShot(100, this, [button] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        QVERIFY(box);
        QCOMPARE(box->objectName(), QLatin1String(SignInMethodsDialog::RemoveQuestionName));
        QTest::mouseClick(box->findChild<QPushButton *>(button), Qt::LeftButton);
    });
}

void TestSignInMethodsDialog::select(const QString &provider)
{
    auto *list = find<QTreeWidget>("identitiesList");
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        if (list->topLevelItem(i)->text(0) == provider)
            list->setCurrentItem(list->topLevelItem(i));
    }
    QCOMPARE(list->currentItem()->text(0), provider);
}

void TestSignInMethodsDialog::lastMethodCannotBeRemoved()
{
    SignInMethodsDialog *dialog = openDialog();
    QVERIFY(dialog);
    auto *list = find<QTreeWidget>("identitiesList");
    QCOMPARE(list->topLevelItemCount(), 1);
    QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("GitHub"));
    QCOMPARE(list->topLevelItem(0)->text(1), QStringLiteral("rita@example.com"));
    QVERIFY(!list->topLevelItem(0)->text(2).isEmpty()); // the date it was linked
    QVERIFY(!find<QPushButton>("removeMethodButton")->isEnabled());
    QVERIFY(find<QPushButton>("removeMethodButton")->toolTip().contains("only"));
    // The server's other providers can be added; GitHub is linked already.
    auto *addable = find<QComboBox>("addProviderCombo");
    QVERIFY(addable->count() >= 1);
    QCOMPARE(addable->findData("github"), -1);
    QVERIFY(addable->findData("google") >= 0);
    QCOMPARE(m_authorizations.value(0), QByteArray("Bearer access-1"));
    Screenshots::save(dialog, "sign-in-methods");
    LATCHKEY_VERIFY_ACCESSIBLE(dialog);
}

void TestSignInMethodsDialog::removeAsksFirst()
{
    m_identities.append(identity("google", "Google", 1765000000));
    SignInMethodsDialog *dialog = openDialog();
    QVERIFY(dialog);
    select("Google");
    QVERIFY(find<QPushButton>("removeMethodButton")->isEnabled());
    answerQuestion("keepMethodButton");
    QTest::mouseClick(find<QPushButton>("removeMethodButton"), Qt::LeftButton);
    QVERIFY(m_removed.isEmpty()); // kept: nothing sent
    Screenshots::save(dialog, "sign-in-methods-two");
    LATCHKEY_VERIFY_ACCESSIBLE(dialog);
    answerQuestion("confirmRemoveButton");
    m_identities = {identity("github", "GitHub", 1764000000)};
    QTest::mouseClick(find<QPushButton>("removeMethodButton"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(status().contains("Google was removed"), qPrintable(status()), Timeout);
    QCOMPARE(m_removed, QList<QString>{"google"});
    QTRY_COMPARE_WITH_TIMEOUT(find<QTreeWidget>("identitiesList")->topLevelItemCount(), 1, Timeout); // read back
    QVERIFY(!find<QPushButton>("removeMethodButton")->isEnabled());
}

// As a screen reader selects a row (AT-SPI Toggle on a cell): selected, not
// current. Remove must name the selected provider (found by the e2e suite).
void TestSignInMethodsDialog::removeActsOnTheSelectedRow()
{
    m_identities.append(identity("google", "Google", 1765000000));
    QVERIFY(openDialog());
    auto *list = find<QTreeWidget>("identitiesList");
    QCOMPARE(list->currentItem()->text(0), QStringLiteral("GitHub"));
    QTreeWidgetItem *google = list->topLevelItem(1);
    QCOMPARE(google->text(0), QStringLiteral("Google"));
    list->selectionModel()->select(list->indexFromItem(google),
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QString asked;
    QTimer::singleShot(100, this, [&asked] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        asked = box->windowTitle() + u' ' + box->text();
        QTest::mouseClick(box->findChild<QPushButton *>("keepMethodButton"), Qt::LeftButton);
    });
    QTest::mouseClick(find<QPushButton>("removeMethodButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!asked.isEmpty(), Timeout);
    QVERIFY2(asked.contains(QLatin1String("Google")) && !asked.contains(QLatin1String("GitHub")), qPrintable(asked));
}

void TestSignInMethodsDialog::removeAnswers_data()
{
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QString>("sentence");
    QTest::newRow("last identity") << 409 << QByteArray(R"({"error":"last_identity"})") << "only sign-in method";
    QTest::newRow("not linked") << 404 << QByteArray(R"({"error":"not_found"})") << "not linked to your account";
    QTest::newRow("server failure") << 500 << QByteArray("{}") << "Nothing was changed";
}

void TestSignInMethodsDialog::removeAnswers()
{
    QFETCH(int, httpStatus);
    QFETCH(QByteArray, answer);
    QFETCH(QString, sentence);
    m_identities.append(identity("google", "Google", 1765000000));
    m_removeStatus = httpStatus;
    m_removeAnswer = answer;
    QVERIFY(openDialog());
    select("Google");
    answerQuestion("confirmRemoveButton");
    QTest::mouseClick(find<QPushButton>("removeMethodButton"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(status().contains(sentence), qPrintable(status()), Timeout);
    QCOMPARE(m_removed.size(), 1);
    QCOMPARE(m_session->state(), State::SignedIn);
}

// 403 reauthentication_required: a sign-in with prompt=login at one of the
// account's providers first. Cancelled there, nothing changes, and the
// removal is not sent again.
void TestSignInMethodsDialog::reauthenticationGoesThroughTheBrowser()
{
    m_identities.append(identity("google", "Google", 1765000000));
    m_removeStatus = 403;
    m_removeAnswer = R"({"error":"reauthentication_required"})";
    QVERIFY(openDialog());
    select("Google");
    m_harness->browser().stayAway(); // the test answers for the browser below
    const int opened = m_harness->browser().openedUrls().size();
    answerQuestion("confirmRemoveButton");
    QTest::mouseClick(find<QPushButton>("removeMethodButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_harness->browser().openedUrls().size(), opened + 1, Timeout);
    const QUrlQuery sent(m_harness->browser().openedUrls().last());
    QCOMPARE(sent.queryItemValue("prompt"), QStringLiteral("login"));
    QCOMPARE(sent.queryItemValue("provider"), QStringLiteral("github")); // not the one being removed
    QVERIFY(!sent.hasQueryItem("link_id"));
    QVERIFY2(status().contains("sign in again"), qPrintable(status()));
    QVERIFY(find<QPushButton>("cancelMethodsButton")->isVisible());
    Screenshots::save(m_window->signInMethodsDialog(), "sign-in-methods-reauthenticate");
    LATCHKEY_VERIFY_ACCESSIBLE(m_window->signInMethodsDialog());
    // The person cancels in the app: back to the session as it was.
    QTest::mouseClick(find<QPushButton>("cancelMethodsButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(status().contains("Nothing was changed"), Timeout);
    QCOMPARE(m_session->state(), State::SignedIn);
    QCOMPARE(m_session->accessToken(), QStringLiteral("access-1"));
    QCOMPARE(m_removed.size(), 1);
    QVERIFY(!find<QPushButton>("cancelMethodsButton")->isVisible());
}

void TestSignInMethodsDialog::addRunsTheBrowserSignIn()
{
    QVERIFY(openDialog());
    auto *addable = find<QComboBox>("addProviderCombo");
    addable->setCurrentIndex(addable->findData("google"));
    // The Google account belongs to someone else: nothing is linked.
    m_redirectQuery = "error=access_denied&link_error=other_account&error_description=Nothing+was+linked.";
    QTest::mouseClick(find<QPushButton>("addMethodButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(status().contains("belongs to another"), Timeout);
    QVERIFY2(status().contains("Google"), qPrintable(status()));
    QCOMPARE(m_linkRequests.size(), 1);
    QCOMPARE(m_linkRequests.first().value("provider").toString(), QStringLiteral("google"));
    QCOMPARE(m_linkRequests.first().value("client_id").toString(), m_harness->config().clientId);
    const QUrlQuery sent(m_harness->browser().openedUrls().last());
    QCOMPARE(sent.queryItemValue("provider"), QStringLiteral("google"));
    QCOMPARE(sent.queryItemValue("link_id"), QStringLiteral("lk_7"));
    QVERIFY(!sent.hasQueryItem("prompt"));
    // Still signed in, with the same session.
    QCOMPARE(m_session->state(), State::SignedIn);
    QCOMPARE(m_session->accessToken(), QStringLiteral("access-1"));
    QVERIFY(m_authorizations.contains("Bearer access-1"));
    Screenshots::save(m_window->signInMethodsDialog(), "sign-in-methods-not-linked");
}

// A standard OP (no linking endpoints): no button in the signed-in view.
void TestSignInMethodsDialog::hiddenWithoutLinking()
{
    m_window.reset();
    m_session.reset();
    m_overlay->document().remove("identities_endpoint");
    m_overlay->document().remove("link_request_endpoint");
    startSignedIn();
    auto *button = m_window->findChild<QPushButton *>("signInMethodsButton");
    QVERIFY(button);
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->upstreamProviders().isEmpty(), Timeout); // discovery has answered
    QVERIFY(!m_session->supportsLinking());
    QVERIFY(!button->isVisible());
}

LATCHKEY_UI_TEST_MAIN(TestSignInMethodsDialog)
#include "TestSignInMethodsDialog.moc"
