// The registration wizard, page by page, as a person clicks (and types)
// through it against the real server; every outcome of creating the account.

#include "AccessibilityAudit.h"
#include "ClientHarness.h"
#include "MainWindow.h"
#include "OnboardingWizard.h"
#include "ProfilePage.h"
#include "Screenshots.h"
#include "SignInRobot.h"
#include "TermsTextView.h"
#include "UiTestMain.h"
#include "WizardFields.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QStackedWidget>
#include <QTest>
#include <QTimer>
#include <QUrl>

using State = SessionManager::State;

namespace {
constexpr int Timeout = 20000;
}

class TestOnboardingWizard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void personasFinish_data();
    void personasFinish();
    void takenUsernameSuggestionPicked();
    void invalidUsernameIsExplained_data();
    void invalidUsernameIsExplained();
    void takenAtCreateGoesBackKeepingName();
    void emailInUseOffersSignInAgain();
    void emailInUseLinksAndConfirms();
    void linkThatLinksNothingIsExplained_data();
    void linkThatLinksNothingIsExplained();
    void expiredRegistrationRestarts();
    void cancelAsksThenDiscards();
    void keyboardOnly();
    void countdownShowsInTheLastTwoMinutes();
    void markupNameIsShownAsText();
    void termsLinksOnlyWebInSystemBrowser();

private:
    OnboardingWizard *openWizard(const QString &persona);
    template<typename T>
    T *find(const char *name) const
    {
        return m_window->wizard() ? m_window->wizard()->findChild<T *>(QLatin1String(name)) : nullptr;
    }
    void next() { QTest::mouseClick(m_window->wizard()->button(QWizard::NextButton), Qt::LeftButton); }
    bool waitForAvailable();
    void acceptTerms();
    void snap(const QString &name);
    void startApp(const ClientConfig &config);
    // Lena's account (GitHub, lena@example.org); then the app signs in with
    // Google and that address and goes through the wizard to its link page.
    bool toTheLinkPage();
    bool serverLinks();

    std::unique_ptr<ClientHarness> m_harness;
    std::unique_ptr<SessionManager> m_session;
    std::unique_ptr<MainWindow> m_window;
    bool m_screenshots = false;
};

void TestOnboardingWizard::init()
{
    m_harness = std::make_unique<ClientHarness>();
    QVERIFY(m_harness->start());
    startApp(m_harness->config());
    m_screenshots = false;
}

void TestOnboardingWizard::startApp(const ClientConfig &config)
{
    m_window.reset();
    m_session = m_harness->newManager(config, ClientHarness::BrowserPath::Window);
    m_window = std::make_unique<MainWindow>(m_session.get(), &m_harness->network(), &m_harness->settings());
    m_window->show();
}

void TestOnboardingWizard::cleanup()
{
    m_window.reset();
    m_session.reset();
    m_harness.reset();
}

void TestOnboardingWizard::snap(const QString &name)
{
    if (m_screenshots && m_window->wizard())
        Screenshots::save(m_window->wizard(), name);
}

OnboardingWizard *TestOnboardingWizard::openWizard(const QString &persona)
{
    m_harness->browser().usePersona("github", persona);
    m_session->signIn("github");
    if (!QTest::qWaitFor([this] { return m_window->wizard() && m_window->wizard()->isVisible(); }, Timeout))
        return nullptr;
    return m_window->wizard();
}

bool TestOnboardingWizard::waitForAvailable()
{
    return QTest::qWaitFor([this] { return find<QLabel>("usernameStatusLabel")->text().startsWith(QStringLiteral("✓")); },
                           Timeout);
}

void TestOnboardingWizard::acceptTerms()
{
    QCOMPARE(m_window->wizard()->currentId(), int(OnboardingWizard::TermsId));
    QTRY_VERIFY_WITH_TIMEOUT(find<QCheckBox>("agreeCheckBox")->isEnabled(), Timeout);
    QVERIFY(!m_window->wizard()->button(QWizard::NextButton)->isEnabled());
    QCheckBox *agree = find<QCheckBox>("agreeCheckBox");
    QTest::mouseClick(agree, Qt::LeftButton, {}, QPoint(agree->height() / 2, agree->height() / 2)); // on the box
    QVERIFY(agree->isChecked());
    QVERIFY2(m_window->wizard()->button(QWizard::NextButton)->isEnabled(),
             qPrintable(m_window->wizard()->field(WizardFields::TermsVersion).toString()));
    snap("wizard-3-terms");
    LATCHKEY_VERIFY_ACCESSIBLE(m_window->wizard());
    next();
}

void TestOnboardingWizard::personasFinish_data()
{
    QTest::addColumn<QString>("persona");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("emailText");
    QTest::newRow("new user") << "new"
                              << "nora.newcomer"
                              << "verified by GitHub";
    QTest::newRow("unverified email") << "unverified-email"
                                      << "uma.unverified"
                                      << "not verified";
    QTest::newRow("no email") << "no-email"
                              << "noel.noemail"
                              << "shared no email";
    QTest::newRow("long unicode name") << "long-name"
                                       << "maximiliane.adelheid.grossherz"
                                       << "verified";
    QTest::newRow("provider login taken") << "taken-username"
                                          << "sam2"
                                          << "verified";
}

void TestOnboardingWizard::personasFinish()
{
    QFETCH(QString, persona);
    QFETCH(QString, username);
    QFETCH(QString, emailText);
    m_screenshots = persona == "new";
    OnboardingWizard *wizard = openWizard(persona);
    QVERIFY(wizard);
    QCOMPARE(wizard->currentId(), int(OnboardingWizard::WelcomeId));
    QVERIFY(find<QLabel>("welcomeIdentityLabel")->text().contains("GitHub"));
    snap("wizard-1-welcome");
    LATCHKEY_VERIFY_ACCESSIBLE(wizard);
    next();
    QCOMPARE(wizard->currentId(), int(OnboardingWizard::ProfileId));
    QCOMPARE(find<QLineEdit>("usernameEdit")->text(), username);
    QVERIFY(find<QLabel>("emailLabel")->text().contains(emailText));
    QVERIFY(waitForAvailable());
    if (persona == "long-name") {
        Screenshots::save(wizard, "wizard-2-profile-long-name");
        QVERIFY(find<QLineEdit>("nameEdit")->text().contains(QStringLiteral("李小龍")));
        QCOMPARE(find<QLineEdit>("nameEdit")->cursorPosition(), 0); // the beginning is what shows
    }
    snap("wizard-2-profile");
    LATCHKEY_VERIFY_ACCESSIBLE(wizard);
    next();
    acceptTerms();
    QCOMPARE(wizard->currentId(), int(OnboardingWizard::CreateId));
    QVERIFY(find<QLabel>("summaryLabel")->text().contains(username));
    snap("wizard-4-create");
    LATCHKEY_VERIFY_ACCESSIBLE(wizard);
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedIn, Timeout);
    QTRY_VERIFY(!m_window->wizard());
    QCOMPARE(m_session->profile().username, username);
    QCOMPARE(m_session->profile().provider, QStringLiteral("GitHub"));
}

void TestOnboardingWizard::takenUsernameSuggestionPicked()
{
    m_screenshots = true;
    OnboardingWizard *wizard = openWizard("new");
    next();
    QLineEdit *username = find<QLineEdit>("usernameEdit");
    username->clear();
    QTest::keyClicks(username, "Rita");
    QCOMPARE(username->text(), QStringLiteral("rita")); // lowercased as typed
    QTRY_VERIFY_WITH_TIMEOUT(find<QLabel>("usernameStatusLabel")->text().contains("already has"), Timeout);
    QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
    QPushButton *suggestion = find<QPushButton>("suggestionButton0");
    QVERIFY(suggestion->isVisible());
    snap("wizard-2-profile-taken");
    LATCHKEY_VERIFY_ACCESSIBLE(wizard);
    const QString picked = suggestion->text();
    QTest::mouseClick(suggestion, Qt::LeftButton);
    QCOMPARE(username->text(), picked);
    QVERIFY(waitForAvailable());
    next();
    acceptTerms();
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedIn, Timeout);
    QCOMPARE(m_session->profile().username, picked);
}

void TestOnboardingWizard::invalidUsernameIsExplained_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("message");
    QTest::newRow("too short") << "ab"
                               << "at least 3";
    QTest::newRow("starts with digit") << "1abc"
                                       << "Start with a letter";
    QTest::newRow("invalid character") << "ann smith"
                                       << "only lowercase";
    QTest::newRow("ends with separator") << "ann."
                                         << "End with a letter";
    QTest::newRow("two separators") << "ann..b"
                                    << "next to each other";
    QTest::newRow("reserved") << "admin"
                              << "reserved";
}

void TestOnboardingWizard::invalidUsernameIsExplained()
{
    QFETCH(QString, typed);
    QFETCH(QString, message);
    OnboardingWizard *wizard = openWizard("new");
    next();
    QLineEdit *username = find<QLineEdit>("usernameEdit");
    username->clear();
    QTest::keyClicks(username, typed);
    QVERIFY2(find<QLabel>("usernameStatusLabel")->text().contains(message),
             qPrintable(find<QLabel>("usernameStatusLabel")->text()));
    QTest::qWait(ProfilePage::DebounceMs + 100);
    QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
}

void TestOnboardingWizard::takenAtCreateGoesBackKeepingName()
{
    OnboardingWizard *wizard = openWizard("new");
    next();
    find<QLineEdit>("nameEdit")->setText("Nora N.");
    QLineEdit *username = find<QLineEdit>("usernameEdit");
    username->clear();
    QTest::keyClicks(username, "nora.racer");
    QVERIFY(waitForAvailable());
    next();
    acceptTerms();
    // Someone else takes the name while this person reads the summary.
    HttpRobot http;
    SignInRobot other(m_harness->server().issuer(), http);
    AuthorizationRequest request = other.newRequest();
    const QString token = other.onboardingTokenFor(request, "google", "the-other-nora");
    QCOMPARE(other.onboard(token, request.verifier, "nora.racer", "k").status, 201);

    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OnboardingWizard::ProfileId), Timeout);
    QVERIFY(find<QLabel>("usernameStatusLabel")->text().contains("already has"));
    QVERIFY(find<QPushButton>("suggestionButton0")->isVisible());
    QCOMPARE(find<QLineEdit>("nameEdit")->text(), QStringLiteral("Nora N.")); // nothing else lost
    QTest::mouseClick(find<QPushButton>("suggestionButton0"), Qt::LeftButton);
    QVERIFY(waitForAvailable());
    next();
    QCOMPARE(wizard->currentId(), int(OnboardingWizard::TermsId));
    QVERIFY(find<QCheckBox>("agreeCheckBox")->isChecked()); // still agreed
    next();
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedIn, Timeout);
    QCOMPARE(m_session->profile().name, QStringLiteral("Nora N."));
}

void TestOnboardingWizard::emailInUseOffersSignInAgain()
{
    OnboardingWizard *wizard = openWizard("email-in-use");
    next();
    QVERIFY(waitForAvailable());
    next();
    acceptTerms();
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    // The server offers linking: the link page, with signing in at the account's provider beside it.
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OnboardingWizard::LinkId), Timeout);
    QVERIFY(find<QLabel>("linkExplanationLabel")->text().contains("rita@example.com"));
    QPushButton *instead = find<QPushButton>("signInInsteadButton");
    QVERIFY(instead->isVisible());
    Screenshots::save(wizard, "wizard-5-link-email-in-use");
    LATCHKEY_VERIFY_ACCESSIBLE(wizard);
    m_harness->browser().usePersona("github", "returning");
    QTest::mouseClick(instead, Qt::LeftButton);
    // Straight to the account's first provider, not the one of this sign-in.
    QVERIFY(!m_session->upstreamProvider().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedIn, Timeout);
    QCOMPARE(m_session->profile().username, QStringLiteral("rita"));
    QVERIFY(m_session->linkedProvider().name.isEmpty()); // nothing was linked
}

bool TestOnboardingWizard::serverLinks()
{
    HttpRobot http;
    return http.get(QUrl(m_harness->server().issuer() + "/.well-known/openid-configuration"))
        .body.contains("\"link_request_endpoint\"");
}

bool TestOnboardingWizard::toTheLinkPage()
{
    HttpRobot http;
    SignInRobot robot(m_harness->server().issuer(), http);
    AuthorizationRequest request = robot.newRequest();
    const QString token = robot.onboardingTokenFor(request, "github", "gh-lena", "lena@example.org", true, "Lena");
    if (robot.onboard(token, request.verifier, "lena", "lena-key").status != 201)
        return false;
    m_harness->browser().useIdentity("google", "g-lena", "lena@example.org", true, "Lena G");
    m_session->signIn("google");
    if (!QTest::qWaitFor([this] { return m_window->wizard() && m_window->wizard()->isVisible(); }, Timeout))
        return false;
    OnboardingWizard *wizard = m_window->wizard();
    next();
    if (!waitForAvailable())
        return false;
    next();
    acceptTerms();
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    return QTest::qWaitFor([wizard] { return wizard->currentId() == OnboardingWizard::LinkId; }, Timeout);
}

// PROTOCOL.md 6.5: the email is in use, the wizard links Google to the
// account instead, through a sign-in with GitHub; the signed-in view says so.
void TestOnboardingWizard::emailInUseLinksAndConfirms()
{
    QVERIFY2(serverLinks(), "the reference server advertises linking (PROTOCOL.md 6.5)");
    QVERIFY(toTheLinkPage());
    OnboardingWizard *wizard = m_window->wizard();
    QVERIFY(find<QLabel>("linkExplanationLabel")->text().contains("lena@example.org"));
    QCOMPARE(wizard->button(QWizard::FinishButton)->text(), QStringLiteral("&Link Google to it"));
    Screenshots::save(wizard, "wizard-5-link-lena");
    LATCHKEY_VERIFY_ACCESSIBLE(wizard);
    m_harness->browser().useIdentity("github", "gh-lena", "lena@example.org", true, "Lena");
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedIn, Timeout);
    QTRY_VERIFY(!m_window->wizard());
    QCOMPARE(m_session->profile().username, QStringLiteral("lena"));
    auto *confirmation = m_window->findChild<QLabel *>("linkConfirmationLabel");
    QVERIFY(confirmation && confirmation->isVisible());
    QCOMPARE(confirmation->text(),
             QStringLiteral("Google is now linked to your account; you can sign in with GitHub or Google."));
    QVERIFY(m_window->findChild<QPushButton *>("signInMethodsButton")->isVisible());
    Screenshots::save(m_window.get(), "main-signed-in-linked");
    LATCHKEY_VERIFY_ACCESSIBLE(m_window.get());
}

void TestOnboardingWizard::linkThatLinksNothingIsExplained_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<QString>("sentence");
    QTest::newRow("cancelled") << "cancel"
                               << "Linking was cancelled";
    QTest::newRow("another account") << "sam"
                                     << "other than the one";
    QTest::newRow("no account") << "new"
                                << "has no Latchkey account";
}

void TestOnboardingWizard::linkThatLinksNothingIsExplained()
{
    QFETCH(QString, how);
    QFETCH(QString, sentence);
    QVERIFY2(serverLinks(), "the reference server advertises linking (PROTOCOL.md 6.5)");
    QVERIFY(toTheLinkPage());
    if (how == "cancel")
        m_harness->browser().cancelAtProvider("github");
    else if (how == "sam")
        m_harness->browser().useIdentity("github", "qa-sam", {}, false, "Sam");
    else
        m_harness->browser().useIdentity("github", "gh-nobody", "nobody@example.org", true, "Nobody");
    QTest::mouseClick(m_window->wizard()->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedOut, Timeout);
    auto *reason = m_window->findChild<QLabel *>("signOutReasonLabel");
    QVERIFY(reason && reason->isVisible());
    QVERIFY2(reason->text().contains(sentence), qPrintable(reason->text()));
    QVERIFY2(reason->text().contains("GitHub"), qPrintable(reason->text()));
    if (how == "cancel") {
        Screenshots::save(m_window.get(), "main-signed-out-link-cancelled");
        LATCHKEY_VERIFY_ACCESSIBLE(m_window.get());
    }
}

void TestOnboardingWizard::expiredRegistrationRestarts()
{
    // Ten minutes pass on both sides: the restarted sign-in's tokens are
    // issued at the server's new "now", which the client must share.
    ClientConfig shared = m_harness->config();
    shared.clock = [harness = m_harness.get()] { return harness->server().clock().now(); };
    startApp(shared);
    OnboardingWizard *wizard = openWizard("new");
    next();
    QVERIFY(waitForAvailable());
    next();
    acceptTerms();
    m_harness->server().clock().advance(601);
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(find<QLabel>("createStatusLabel")->text().contains("no longer valid"), Timeout);
    QVERIFY(find<QPushButton>("restartSignInButton")->isVisible());
    // The restart reaches a fresh wizard for the same person, not an error.
    const QPointer<OnboardingWizard> expired = wizard;
    QTest::mouseClick(find<QPushButton>("restartSignInButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(expired.isNull() && m_window->wizard() && m_window->wizard()->isVisible(), Timeout);
    QCOMPARE(m_session->state(), State::OnboardingRequired);
    QCOMPARE(m_session->upstreamProvider(), QStringLiteral("github")); // the provider chosen before
}

void TestOnboardingWizard::cancelAsksThenDiscards()
{
    OnboardingWizard *wizard = openWizard("new");
    // First "keep going", then "discard".
    QTimer::singleShot(100, this, [] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        QVERIFY(box);
        QTest::mouseClick(box->findChild<QPushButton *>("keepGoingButton"), Qt::LeftButton);
    });
    QTest::mouseClick(wizard->button(QWizard::CancelButton), Qt::LeftButton);
    QVERIFY(wizard->isVisible());
    QCOMPARE(m_session->state(), State::OnboardingRequired);
    QTimer::singleShot(100, this, [] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        QVERIFY(box);
        QTest::mouseClick(box->findChild<QPushButton *>("discardButton"), Qt::LeftButton);
    });
    QTest::mouseClick(wizard->button(QWizard::CancelButton), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedOut, Timeout);
    QTRY_VERIFY(!m_session->onboarding()); // the registration token is gone
}

void TestOnboardingWizard::keyboardOnly()
{
    OnboardingWizard *wizard = openWizard("new");
    QVERIFY(QTest::qWaitForWindowActive(wizard) || wizard->isVisible());
    auto press = [wizard](Qt::Key key) {
        QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : wizard;
        QTest::keyClick(target, key);
    };
    press(Qt::Key_Return); // Next on the welcome page
    QTRY_COMPARE(wizard->currentId(), int(OnboardingWizard::ProfileId));
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(find<QLineEdit>("usernameEdit")));
    QVERIFY(waitForAvailable());
    press(Qt::Key_Return);
    QTRY_COMPARE(wizard->currentId(), int(OnboardingWizard::TermsId));
    QTRY_VERIFY_WITH_TIMEOUT(find<QCheckBox>("agreeCheckBox")->isEnabled(), Timeout);
    // Tab to the checkbox, Space to tick it, Return for Next.
    for (int i = 0; i < 10 && QApplication::focusWidget() != find<QCheckBox>("agreeCheckBox"); ++i)
        press(Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), static_cast<QWidget *>(find<QCheckBox>("agreeCheckBox")));
    press(Qt::Key_Space);
    QVERIFY(find<QCheckBox>("agreeCheckBox")->isChecked());
    press(Qt::Key_Return);
    QTRY_COMPARE(wizard->currentId(), int(OnboardingWizard::CreateId));
    press(Qt::Key_Return); // "Create account" is the default button
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedIn, Timeout);
}

void TestOnboardingWizard::countdownShowsInTheLastTwoMinutes()
{
    // The person took eight minutes: 100 s of the 600 s registration are left.
    ClientConfig late = m_harness->config();
    late.clock = [] { return QDateTime::currentSecsSinceEpoch() + 500; };
    startApp(late);
    OnboardingWizard *wizard = openWizard("new");
    QVERIFY(wizard);
    next();
    QLabel *countdown = wizard->currentPage()->findChild<QLabel *>("countdownLabel");
    QVERIFY(countdown);
    QTRY_VERIFY(countdown->isVisible());
    QVERIFY2(countdown->text().contains("1:"), qPrintable(countdown->text()));
    Screenshots::save(wizard, "wizard-2-profile-countdown");
}

// Server data is never markup: a display name with tags and an image shows
// those characters, in the wizard and in the signed-in view.
void TestOnboardingWizard::markupNameIsShownAsText()
{
    const QString name = QStringLiteral("<b>bold</b><img src=\"file:///dev/zero\">");
    auto literal = [&name](QLabel *label) {
        QVERIFY(label);
        QCOMPARE(label->textFormat(), Qt::PlainText);
        QVERIFY2(label->text().contains(name), qPrintable(label->text()));
    };
    m_harness->browser().useIdentity("github", "markup-1", {}, false, name);
    m_session->signIn("github");
    QTRY_VERIFY_WITH_TIMEOUT(m_window->wizard() && m_window->wizard()->isVisible(), Timeout);
    OnboardingWizard *wizard = m_window->wizard();
    literal(find<QLabel>("welcomeIdentityLabel")); // no email: the welcome names the person
    next();
    QCOMPARE(find<QLineEdit>("nameEdit")->text(), name);
    QVERIFY(waitForAvailable());
    next();
    acceptTerms();
    literal(find<QLabel>("summaryLabel"));
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state(), State::SignedIn, Timeout);
    QCOMPARE(m_session->profile().name, name);
    auto *accountName = m_window->findChild<QLabel *>("accountNameLabel");
    QVERIFY(accountName);
    QCOMPARE(accountName->text(), name);
    QCOMPARE(accountName->textFormat(), Qt::PlainText);
    // Every named label on show (the ones a program fills); form captions are fixed words.
    for (QLabel *label : m_window->findChildren<QLabel *>()) {
        if (label->isVisible() && !label->objectName().isEmpty() && !label->objectName().startsWith("qt_"))
            QVERIFY2(label->textFormat() == Qt::PlainText, qPrintable(label->objectName() + " " + label->text()));
    }
    Screenshots::save(m_window.get(), "main-signed-in-markup-name");
}

// The text fallback of the terms opens only http(s) links, and only in the
// system browser (the web view's links: TestTermsHelper).
void TestOnboardingWizard::termsLinksOnlyWebInSystemBrowser()
{
    OnboardingWizard *wizard = openWizard("new");
    QVERIFY(wizard);
    next();
    QVERIFY(waitForAvailable());
    next();
    QCOMPARE(wizard->currentId(), int(OnboardingWizard::TermsId));
    m_harness->browser().stayAway(); // record what the system browser is asked to open
    const int before = m_harness->browser().openedUrls().size();
    const QList<QUrl> refused{QUrl("file:///etc/passwd"),   QUrl("javascript:alert(1)"), QUrl("data:text/html,x"),
                              QUrl("mailto:a@example.org"), QUrl("ftp://example.org/x"), QUrl("latchkey:x")};

    TermsTextView text(QUrl("https://id.example.org/terms"));
    text.setHtml("<a href='x'>x</a>");
    QVERIFY(!text.loadResource(QTextDocument::ImageResource, QUrl("file:///dev/zero")).isValid());
    for (const QUrl &url : refused)
        Q_EMIT text.anchorClicked(url);
    QCOMPARE(m_harness->browser().openedUrls().size(), before);
    Q_EMIT text.anchorClicked(QUrl("privacy"));
    QCOMPARE(m_harness->browser().openedUrls().last(), QUrl("https://id.example.org/privacy"));
}

LATCHKEY_UI_TEST_MAIN(TestOnboardingWizard)
#include "TestOnboardingWizard.moc"
