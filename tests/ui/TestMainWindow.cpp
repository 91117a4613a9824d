// The main window driven like a person would: buttons found by objectName,
// clicked with QTest, against the real server, keychain and a robot browser.

#include "AccessibilityAudit.h"
#include "ClientHarness.h"
#include "MainWindow.h"
#include "Screenshots.h"

#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QLineEdit>
#include <QTimer>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTest>

using State = SessionManager::State;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void signInAsReturningUser();
    void restartShowsSignedIn();
    void waitingViewOffersTheLink();
    void accessDeniedShowsReason();
    void serverDownShowsErrorAndRetry();
    void signOutShowsSignedOut();
    void keyboardSignIn();
    void settingsValidateTheServer();

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
    m_session = m_harness->newManager(config);
    m_window = std::make_unique<MainWindow>(m_session.get(), &m_harness->network(), &m_harness->settings());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
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
    QTest::mouseClick(find<QPushButton>("signInButton"), Qt::LeftButton);
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
    m_session->restore();
    QTRY_COMPARE_WITH_TIMEOUT(currentView()->objectName(), QStringLiteral("signedInView"), 15000);
    QCOMPARE(find<QLabel>("accountUsernameLabel")->text(), QStringLiteral("@rita"));
}

void TestMainWindow::waitingViewOffersTheLink()
{
    m_harness->browser().stayAway();
    QTest::mouseClick(find<QPushButton>("signInButton"), Qt::LeftButton);
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

void TestMainWindow::accessDeniedShowsReason()
{
    m_harness->browser().cancelAtProvider("microsoft");
    QTest::mouseClick(find<QPushButton>("signInButton"), Qt::LeftButton);
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
    QPushButton *signIn = find<QPushButton>("signInButton");
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
        issuer->setText("http://127.0.0.1:1");
        QTest::mouseClick(dialog->findChild<QPushButton *>("saveButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->findChild<QLabel *>("settingsStatusLabel")->text().startsWith("Not saved"), 10000);
        Screenshots::save(dialog, "settings-refused");
        LATCHKEY_VERIFY_ACCESSIBLE(dialog);
        QVERIFY(dialog->isVisible());
        issuer->setText(m_other->issuer() + "/");
        QTest::mouseClick(dialog->findChild<QPushButton *>("saveButton"), Qt::LeftButton);
    });
    m_other = std::make_unique<TestServer>();
    QVERIFY(m_other->start());
    m_window->showSettings();
    QCOMPARE(m_harness->settings().value("server/issuer").toString(), m_other->issuer());
    QCOMPARE(m_session->config().issuer, m_other->issuer());
    QVERIFY(find<QLabel>("serverLabel")->text().contains(m_other->issuer()));
}

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
