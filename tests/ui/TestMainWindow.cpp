// The main window driven like a person would: buttons found by objectName,
// clicked with QTest, against the real server, keychain and a robot browser.

#include "AccessibilityAudit.h"
#include "ClientHarness.h"
#include "DiscoveryOverlay.h"
#include "HttpRobot.h"
#include "MainWindow.h"
#include "Protocol.h"
#include "ResultAssert.h"
#include "Screenshots.h"
#include "Settings.h"
#include "UiTestMain.h"

#include <QAccessible>
#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

using State = SessionManager::State;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void signInAsReturningUser();
    void restartShowsSignedIn();
    void offlineAtStartStaysSignedIn();
    void waitingViewOffersTheLink();
    void browserThatFailsIsShown();
    void accessDeniedShowsReason();
    void serverDownShowsErrorAndRetry();
    void signOutShowsSignedOut();
    void keyboardSignIn();
    void settingsValidateTheServer();
    void providerButtonsFromDiscovery();
    void standardProviderShowsPlainSignIn();
    void upstreamFailuresShowDetail_data();
    void upstreamFailuresShowDetail();

private:
    QWidget *currentView() const;
    template<typename T>
    T *find(const char *name) const
    {
        T *widget = m_window->findChild<T *>(QLatin1String(name));
        if (!widget)
            qWarning("no widget named %s", name);
        return widget;
    }
    void startWindow(const ClientConfig &config);
    // The server lists providers in discovery, or not: either way the view
    // shows what it lists before a test goes on.
    void waitForProviders(const QString &issuer);
    // The button a person presses to sign in with `provider`: its own when
    // the server lists it, else the plain Sign in (the server's chooser).
    QPushButton *signInButton(const QString &provider) const;
    // The "Continue with …" buttons on show, top to bottom.
    QList<QPushButton *> providerButtons() const;
    void startWithOverlay(DiscoveryOverlay &overlay, const QJsonValue &providers);
    static QString providerParameter(const QUrl &authorizationUrl);

    std::unique_ptr<ClientHarness> m_harness;
    std::unique_ptr<SessionManager> m_session;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<TestServer> m_other;
};

void TestMainWindow::init()
{
    m_harness = std::make_unique<ClientHarness>();
    QVERIFY(m_harness->start());
    startWindow(m_harness->config());
}

void TestMainWindow::cleanup()
{
    m_window.reset();
    m_session.reset();
    m_harness.reset();
    m_other.reset();
}

void TestMainWindow::startWindow(const ClientConfig &config)
{
    m_window.reset();
    m_session = m_harness->newManager(config, ClientHarness::BrowserPath::Window);
    m_window = std::make_unique<MainWindow>(m_session.get(), &m_harness->network(), &m_harness->settings());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    // Keyboard focus goes to the active window only; under load activation may come later than exposure.
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    if (!m_session->hasRememberedSession()) // otherwise the list is not asked for: restore() comes first
        waitForProviders(config.issuer);
}

void TestMainWindow::waitForProviders(const QString &issuer)
{
    HttpRobot http;
    const HttpResult discovery = http.get(QUrl(issuer + Protocol::DiscoveryPath));
    const QJsonValue listed = QJsonDocument::fromJson(discovery.body).object().value("upstream_providers");
    const QList<UpstreamProviderInfo> expected = ProviderMetadata::parseUpstreamProviders(listed);
    QTRY_VERIFY_WITH_TIMEOUT(m_session->upstreamProviders() == expected, 10000);
}

QPushButton *TestMainWindow::signInButton(const QString &provider) const
{
    auto *own = m_window->findChild<QPushButton *>("signInButton_" + provider);
    return own && own->isVisible() ? own : find<QPushButton>("signInButton");
}

QList<QPushButton *> TestMainWindow::providerButtons() const
{
    QList<QPushButton *> buttons;
    for (QPushButton *button : m_window->findChildren<QPushButton *>(QRegularExpression("^signInButton_"))) {
        if (button->isVisible())
            buttons.append(button);
    }
    std::sort(buttons.begin(), buttons.end(), [](QWidget *a, QWidget *b) { return a->y() < b->y(); });
    return buttons;
}

// The reference server in this branch lists no providers yet (and may list
// others later), so the tests that need a list, or none, serve the real
// server's discovery document with their own from a port of their own.
void TestMainWindow::startWithOverlay(DiscoveryOverlay &overlay, const QJsonValue &providers)
{
    QString error;
    QVERIFY2(overlay.start(m_harness->server().issuer(), &error), qPrintable(error));
    if (providers.isUndefined())
        overlay.document().remove("upstream_providers");
    else
        overlay.document().insert("upstream_providers", providers);
    ClientConfig config = m_harness->config();
    config.issuer = overlay.issuer();
    startWindow(config);
}

QString TestMainWindow::providerParameter(const QUrl &authorizationUrl)
{
    return QUrlQuery(authorizationUrl).queryItemValue("provider");
}

QWidget *TestMainWindow::currentView() const
{
    return m_window->findChild<QStackedWidget *>()->currentWidget();
}

void TestMainWindow::signInAsReturningUser()
{
    QCOMPARE(currentView()->objectName(), QStringLiteral("signedOutView"));
    QVERIFY(find<QLabel>("serverLabel")->text().contains(m_harness->server().issuer()));
    Screenshots::save(m_window.get(), "main-signed-out");
    LATCHKEY_VERIFY_ACCESSIBLE(m_window.get());
    m_harness->browser().usePersona("github", "returning");
    QTest::mouseClick(signInButton("github"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), QStringLiteral("signedInView"), 15000);
    QCOMPARE(find<QLabel>("accountNameLabel")->text(), QStringLiteral("Rita Returning"));
    QCOMPARE(find<QLabel>("accountUsernameLabel")->text(), QStringLiteral("@rita"));
    QVERIFY(find<QLabel>("accountEmailLabel")->text().contains("rita@example.com"));
    QVERIFY(find<QLabel>("accountEmailLabel")->text().contains("verified"));
    QCOMPARE(find<QLabel>("accountProviderLabel")->text(), QStringLiteral("GitHub"));
    QVERIFY(!find<QLabel>("sessionExpiryLabel")->text().isEmpty());
    QVERIFY(find<QLabel>("vaultWarningLabel")->isHidden());
    Screenshots::save(m_window.get(), "main-signed-in");
    LATCHKEY_VERIFY_ACCESSIBLE(m_window.get());
}

void TestMainWindow::restartShowsSignedIn()
{
    m_harness->browser().usePersona("google", "returning");
    m_session->signIn();
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedIn, 15000);
    startWindow(m_harness->config()); // a fresh start of the app
    // Until restore() has run, the window says it restores, never "Sign in".
    QCOMPARE(currentView()->objectName(), QStringLiteral("busyView"));
    QCOMPARE(find<QLabel>("busyLabel")->text(), QStringLiteral("Restoring your session…"));
    QVERIFY(m_window->findChild<QWidget *>("signedOutView") == nullptr);
    m_session->restore();
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), QStringLiteral("signedInView"), 15000);
    QCOMPARE(find<QLabel>("accountUsernameLabel")->text(), QStringLiteral("@rita"));
}

void TestMainWindow::offlineAtStartStaysSignedIn()
{
    m_harness->browser().usePersona("github", "returning");
    m_session->signIn();
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedIn, 15000);
    // The next morning, before the Wi-Fi is up: the token ran out overnight
    // and the server cannot be reached.
    ClientConfig morning = m_harness->config();
    morning.clock = [] { return QDateTime::currentSecsSinceEpoch() + 8 * 3600; };
    morning.renewalRetryMs = 60000;
    m_harness->server().stop();
    startWindow(morning);
    m_session->restore();
    auto offlineLine = [this] { return m_window->findChild<QLabel *>("renewalProblemLabel"); };
    QTRY_VERIFY_WITH_TIMEOUT(offlineLine() && offlineLine()->isVisible(), 15000);
    QCOMPARE(currentView()->objectName(), QStringLiteral("signedInView"));
    QCOMPARE(find<QLabel>("accountUsernameLabel")->text(), QStringLiteral("@rita"));
    const QString line = find<QLabel>("renewalProblemLabel")->text();
    QVERIFY2(line.contains("cannot be reached") && line.contains("You stay signed in"), qPrintable(line));
    QVERIFY(find<QLabel>("sessionExpiryLabel")->text().startsWith("Access ended at"));
    QVERIFY(find<QPushButton>("renewNowButton")->isVisible());
    Screenshots::save(m_window.get(), "main-signed-in-offline");
    LATCHKEY_VERIFY_ACCESSIBLE(m_window.get());

    // The server is back; the person does not wait for the next try.
    QVERIFY_OK(m_harness->server().start());
    QTest::mouseClick(find<QPushButton>("renewNowButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(find<QLabel>("renewalProblemLabel")->isHidden(), 15000);
    QVERIFY(find<QPushButton>("renewNowButton")->isHidden());
    QVERIFY(find<QLabel>("sessionExpiryLabel")->text().startsWith("Renews automatically"));
    QCOMPARE(currentView()->objectName(), QStringLiteral("signedInView"));
}

void TestMainWindow::waitingViewOffersTheLink()
{
    m_harness->browser().stayAway();
    QTest::mouseClick(signInButton("google"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), QStringLiteral("waitingView"), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(find<QPushButton>("copyLinkButton")->isEnabled(), 15000);
    Screenshots::save(m_window.get(), "main-waiting-for-browser");
    LATCHKEY_VERIFY_ACCESSIBLE(m_window.get());
    QTest::mouseClick(find<QPushButton>("copyLinkButton"), Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), QString::fromUtf8(m_session->authorizationUrl().toEncoded()));
    QVERIFY(find<QLabel>("waitingStatusLabel")->text().contains("clipboard"));
    const QUrl first = m_session->authorizationUrl();
    QTest::mouseClick(find<QPushButton>("openBrowserAgainButton"), Qt::LeftButton);
    QCOMPARE(m_harness->browser().openedUrls().size(), 2);
    QVERIFY(m_session->authorizationUrl() != first);
    QTest::mouseClick(find<QPushButton>("cancelSignInButton"), Qt::LeftButton);
    QCOMPARE(currentView()->objectName(), QStringLiteral("signedOutView"));
}

void TestMainWindow::browserThatFailsIsShown()
{
    // The window launches the browser for the client core; a command that
    // cannot start must reach the person, and the wait goes on with the link.
    ClientConfig config = m_harness->config();
    config.browserCommand = "/nonexistent/browser --new-window %u";
    startWindow(config);
    QTest::mouseClick(signInButton("google"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), QStringLiteral("waitingView"), 15000);
    auto *problem = find<QLabel>("waitingStatusLabel");
    QTRY_VERIFY_WITH_TIMEOUT(problem->isVisible(), 15000);
    QVERIFY2(problem->text().contains("/nonexistent/browser"), qPrintable(problem->text()));
    QVERIFY(find<QPushButton>("copyLinkButton")->isEnabled());
    QVERIFY(m_harness->browser().openedUrls().isEmpty());
    QCOMPARE(m_session->state(), State::WaitingForBrowser);
}

void TestMainWindow::accessDeniedShowsReason()
{
    m_harness->browser().cancelAtProvider("microsoft");
    QTest::mouseClick(signInButton("microsoft"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedOut, 15000);
    QCOMPARE(currentView()->objectName(), QStringLiteral("signedOutView"));
    QVERIFY(find<QLabel>("signOutReasonLabel")->isVisible());
    QVERIFY(find<QLabel>("signOutReasonLabel")->text().contains("cancelled"));
    Screenshots::save(m_window.get(), "main-access-denied");
    LATCHKEY_VERIFY_ACCESSIBLE(m_window.get());
}

void TestMainWindow::serverDownShowsErrorAndRetry()
{
    ClientConfig config = m_harness->config();
    config.issuer = "http://127.0.0.1:1";
    startWindow(config);
    QTest::mouseClick(find<QPushButton>("signInButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), QStringLiteral("errorView"), 15000);
    QVERIFY(find<QLabel>("errorMessageLabel")->text().contains("cannot be reached"));
    Screenshots::save(m_window.get(), "main-error-server-down");
    LATCHKEY_VERIFY_ACCESSIBLE(m_window.get());
    QTest::mouseClick(find<QPushButton>("retryButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), QStringLiteral("errorView"), 15000);
    QTest::mouseClick(find<QPushButton>("errorBackButton"), Qt::LeftButton);
    QCOMPARE(currentView()->objectName(), QStringLiteral("signedOutView"));
}

void TestMainWindow::signOutShowsSignedOut()
{
    m_harness->browser().usePersona("github", "returning");
    m_session->signIn();
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), QStringLiteral("signedInView"), 15000);
    QTest::mouseClick(find<QPushButton>("signOutButton"), Qt::LeftButton);
    QCOMPARE(currentView()->objectName(), QStringLiteral("signedOutView"));
    QCOMPARE(find<QLabel>("signOutReasonLabel")->text(), QStringLiteral("You signed out."));
}

void TestMainWindow::keyboardSignIn()
{
    m_harness->browser().usePersona("github", "returning");
    QPushButton *signIn = signInButton("github");
    QTRY_VERIFY(signIn->hasFocus() || currentView()->hasFocus() || m_window->focusWidget() == signIn);
    signIn->setFocus();
    QTest::keyClick(signIn, Qt::Key_Space);
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), QStringLiteral("signedInView"), 15000);
}

void TestMainWindow::settingsValidateTheServer()
{
    // A wrong address is refused with the reason; a right one is saved.
    QTimer::singleShot(0, this, [this] {
        auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        auto *issuer = dialog->findChild<QLineEdit *>("issuerEdit");
        auto *status = dialog->findChild<QLabel *>("settingsStatusLabel");
        // Plain http to another computer is refused before anything is sent.
        for (const char *insecure : {"http://id.example.org", "http://localhost:8765"}) {
            issuer->setText(insecure);
            QTest::mouseClick(dialog->findChild<QPushButton *>("saveButton"), Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith("Not saved") && status->text().contains("https"), 10000);
            QCOMPARE(status->textFormat(), Qt::PlainText);
            status->clear();
        }
        issuer->setText("http://127.0.0.1:1");
        QTest::mouseClick(dialog->findChild<QPushButton *>("saveButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->findChild<QLabel *>("settingsStatusLabel")->text().startsWith("Not saved"),
                                 10000);
        Screenshots::save(dialog, "settings-refused");
        LATCHKEY_VERIFY_ACCESSIBLE(dialog);
        QVERIFY(dialog->isVisible());
        issuer->setText(m_other->issuer() + "/");
        QTest::mouseClick(dialog->findChild<QPushButton *>("saveButton"), Qt::LeftButton);
    });
    m_other = std::make_unique<TestServer>();
    QVERIFY(m_other->start());
    m_window->showSettings();
    QCOMPARE(Settings::Issuer.get(m_harness->settings()), m_other->issuer());
    QCOMPARE(m_session->config().issuer, m_other->issuer());
    QVERIFY(find<QLabel>("serverLabel")->text().contains(m_other->issuer()));
}

void TestMainWindow::providerButtonsFromDiscovery()
{
    DiscoveryOverlay overlay;
    startWithOverlay(overlay,
                     QJsonArray{QJsonObject{{"id", "github"}, {"name", "GitHub"}},
                                QJsonObject{{"id", "google"}, {"name", "Google"}},
                                QJsonObject{{"id", "microsoft"}, {"name", "Microsoft"}}});
    // The list arrives with discovery, and the signed-out view shows once the
    // start-up restore has found no session: wait for both.
    QTRY_COMPARE_WITH_TIMEOUT(providerButtons().size(), 3, 10000);
    const QList<QPushButton *> buttons = providerButtons();
    QCOMPARE(buttons[0]->objectName(), QStringLiteral("signInButton_github"));
    QCOMPARE(buttons[1]->objectName(), QStringLiteral("signInButton_google"));
    QCOMPARE(buttons[2]->objectName(), QStringLiteral("signInButton_microsoft"));
    QCOMPARE(buttons[0]->text(), QStringLiteral("Continue with GitHub"));
    QCOMPARE(QAccessible::queryAccessibleInterface(buttons[1])->text(QAccessible::Name),
             QStringLiteral("Continue with Google"));
    QVERIFY(find<QPushButton>("signInButton")->isHidden());
    // The first is where the keyboard starts, and what Enter presses.
    QVERIFY(buttons[0]->isDefault());
    QCOMPARE(m_window->focusWidget(), buttons[0]);
    Screenshots::save(m_window.get(), "main-signed-out-providers");
    LATCHKEY_VERIFY_ACCESSIBLE(m_window.get());

    // The browser goes to the provider pressed, past the server's chooser.
    m_harness->browser().stayAway();
    QTest::mouseClick(buttons[1], Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), QStringLiteral("waitingView"), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(providerParameter(m_session->authorizationUrl()), QStringLiteral("google"), 15000);
    QCOMPARE(providerParameter(m_harness->browser().openedUrls().constLast()), QStringLiteral("google"));
    QTest::mouseClick(find<QPushButton>("openBrowserAgainButton"), Qt::LeftButton);
    QCOMPARE(providerParameter(m_harness->browser().openedUrls().constLast()), QStringLiteral("google"));
    QTest::mouseClick(find<QPushButton>("cancelSignInButton"), Qt::LeftButton);
    QCOMPARE(currentView()->objectName(), QStringLiteral("signedOutView"));

    // From the keyboard: Tab to the third, Space.
    QPushButton *microsoft = find<QPushButton>("signInButton_microsoft");
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    for (int presses = 0; presses < 5 && !microsoft->hasFocus(); ++presses)
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QVERIFY(microsoft->hasFocus());
    QTest::keyClick(microsoft, Qt::Key_Space);
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), QStringLiteral("waitingView"), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(providerParameter(m_session->authorizationUrl()), QStringLiteral("microsoft"), 15000);
}

void TestMainWindow::standardProviderShowsPlainSignIn()
{
    DiscoveryOverlay overlay;
    startWithOverlay(overlay, QJsonValue::Undefined); // a standard OP: no upstream_providers
    // Discovery has answered once the sign-in has its URL; still no list then.
    m_harness->browser().stayAway();
    QTest::mouseClick(find<QPushButton>("signInButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_session->authorizationUrl().isValid(), 15000);
    QVERIFY(!QUrlQuery(m_session->authorizationUrl()).hasQueryItem("provider"));
    QTest::mouseClick(find<QPushButton>("cancelSignInButton"), Qt::LeftButton);
    QCOMPARE(currentView()->objectName(), QStringLiteral("signedOutView"));

    QVERIFY(find<QPushButton>("signInButton")->isVisible());
    QVERIFY(providerButtons().isEmpty());
    // The app names no provider of its own: which there are is the server's to say.
    QStringList shown;
    for (QLabel *label : currentView()->findChildren<QLabel *>())
        shown << label->text();
    for (QPushButton *button : currentView()->findChildren<QPushButton *>())
        shown << button->text() << QAccessible::queryAccessibleInterface(button)->text(QAccessible::Name);
    for (const char *name : {"google", "github", "microsoft"})
        QVERIFY2(!shown.join('\n').contains(name, Qt::CaseInsensitive), name);
    LATCHKEY_VERIFY_ACCESSIBLE(m_window.get());
}

void TestMainWindow::upstreamFailuresShowDetail_data()
{
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("view");
    QTest::addColumn<QString>("messageLabel");
    QTest::addColumn<QString>("detailLabel");
    QTest::addColumn<QString>("message");
    QTest::newRow("provider unreachable")
        << "temporarily_unavailable"
        << "errorView"
        << "errorMessageLabel"
        << "errorDetailLabel"
        << "The sign-in provider can't be reached right now. Try again in a few minutes.";
    QTest::newRow("provider's own error") << "server_error"
                                          << "errorView"
                                          << "errorMessageLabel"
                                          << "errorDetailLabel"
                                          << "The sign-in provider could not confirm who you are.";
    QTest::newRow("cancelled at the provider") << "access_denied"
                                               << "signedOutView"
                                               << "signOutReasonLabel"
                                               << "signOutDetailLabel"
                                               << "Signing in was cancelled in the browser.";
}

void TestMainWindow::upstreamFailuresShowDetail()
{
    QFETCH(QString, error);
    QFETCH(QString, view);
    QFETCH(QString, messageLabel);
    QFETCH(QString, detailLabel);
    QFETCH(QString, message);
    DiscoveryOverlay overlay;
    startWithOverlay(overlay,
                     QJsonArray{QJsonObject{{"id", "google"}, {"name", "Google"}},
                                QJsonObject{{"id", "github"}, {"name", "GitHub"}}});
    // The server's redirect after a failure at the provider (PROTOCOL.md 4),
    // with a description that must stay text.
    const QString description = "<b>Google</b> did not answer within 10 s.<br>Try <a href=\"x\">later</a>.";
    m_harness->browser().usePersona("github", "returning");
    m_harness->browser().rewriteRedirect = [error, description](const QUrl &redirect) {
        QUrlQuery failure;
        failure.addQueryItem("error", error);
        failure.addQueryItem("error_description", QString::fromLatin1(QUrl::toPercentEncoding(description)));
        failure.addQueryItem("state", QUrlQuery(redirect).queryItemValue("state"));
        QUrl changed = redirect;
        changed.setQuery(failure);
        return changed;
    };
    QTest::mouseClick(find<QPushButton>("signInButton_github"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), view, 15000);
    QCOMPARE(find<QLabel>(qPrintable(messageLabel))->text(), message);
    auto *detail = find<QLabel>(qPrintable(detailLabel));
    QVERIFY(detail->isVisible());
    QCOMPARE(detail->text(), description);
    QCOMPARE(detail->textFormat(), Qt::PlainText);
    QCOMPARE(QAccessible::queryAccessibleInterface(detail)->text(QAccessible::Name), description);
    Screenshots::save(m_window.get(), "main-upstream-" + error);
    LATCHKEY_VERIFY_ACCESSIBLE(m_window.get());
    if (view != "errorView")
        return;

    // Try again goes back to the provider chosen before.
    m_harness->browser().rewriteRedirect = nullptr;
    m_harness->browser().stayAway();
    QTest::mouseClick(find<QPushButton>("retryButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(providerParameter(m_session->authorizationUrl()), QStringLiteral("github"), 15000);
}

LATCHKEY_UI_TEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
