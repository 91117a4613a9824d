// The dialog a proxy's 407 opens: what it asks and says (also in German),
// that "Remember this password" is off until ticked, that the answer goes
// back to ProxyCredentials as given (and Cancel as no answer), and that a
// keyboard or screen-reader user can fill it in. Screenshots at 100 % and,
// as TestProxyCredentialsDialogAt200Percent, at 200 %.

#include "AccessibilityAudit.h"
#include "Localization.h"
#include "ProxyCredentialsDialog.h"
#include "ProxyCredentialsPrompt.h"
#include "Screenshots.h"
#include "UiTestMain.h"

#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>
#include <QTimer>
#include <QTranslator>

class TestProxyCredentialsDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firstQuestion();
    void afterARefusal();
    void answerAsGiven_data();
    void answerAsGiven();
    void inGerman();

private:
    static ProxyCredentialsPrompt prompt(bool retry);
};

ProxyCredentialsPrompt TestProxyCredentialsDialog::prompt(bool retry)
{
    ProxyCredentialsPrompt asked;
    asked.proxy = QStringLiteral("proxy.corp.example.org:3128");
    asked.retry = retry;
    if (retry)
        asked.user = QStringLiteral("alice");
    return asked;
}

void TestProxyCredentialsDialog::firstQuestion()
{
    ProxyCredentialsDialog dialog(prompt(false));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *intro = dialog.findChild<QLabel *>("proxyIntroLabel");
    QVERIFY(intro->text().contains("proxy.corp.example.org:3128"));
    QVERIFY(!dialog.findChild<QLabel *>("proxyRetryLabel")->isVisible());
    QVERIFY(!dialog.findChild<QCheckBox *>("proxyRememberCheck")->isChecked());
    QCOMPARE(dialog.findChild<QLineEdit *>("proxyPasswordEdit")->echoMode(), QLineEdit::Password);
    // Nothing to send without a user name; the cursor waits there.
    QVERIFY(!dialog.findChild<QPushButton *>("proxyOkButton")->isEnabled());
    QCOMPARE(QApplication::focusWidget(), dialog.findChild<QLineEdit *>("proxyUserEdit"));
    QTest::keyClicks(QApplication::focusWidget(), "alice");
    QVERIFY(dialog.findChild<QPushButton *>("proxyOkButton")->isEnabled());
    QVERIFY(!Screenshots::save(&dialog, "proxy-credentials").isEmpty());
    LATCHKEY_VERIFY_ACCESSIBLE(&dialog);
}

void TestProxyCredentialsDialog::afterARefusal()
{
    ProxyCredentialsDialog dialog(prompt(true));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QVERIFY(dialog.findChild<QLabel *>("proxyRetryLabel")->isVisible());
    QCOMPARE(dialog.findChild<QLineEdit *>("proxyUserEdit")->text(), QStringLiteral("alice"));
    // The name is known: the cursor is in the password.
    QCOMPARE(QApplication::focusWidget(), dialog.findChild<QLineEdit *>("proxyPasswordEdit"));
    QVERIFY(!Screenshots::save(&dialog, "proxy-credentials-retry").isEmpty());
    LATCHKEY_VERIFY_ACCESSIBLE(&dialog);
}

void TestProxyCredentialsDialog::answerAsGiven_data()
{
    QTest::addColumn<bool>("accept");
    QTest::addColumn<bool>("remember");
    QTest::newRow("signed in, not remembered") << true << false;
    QTest::newRow("signed in, remembered") << true << true;
    QTest::newRow("cancelled") << false << true;
}

void TestProxyCredentialsDialog::answerAsGiven()
{
    QFETCH(bool, accept);
    QFETCH(bool, remember);
    ProxyCredentialsPrompt asked = prompt(false);
    // Typed as a person types: keys into the focused field, Tab to the next, space to tick.
    QTimer::singleShot(0, this, [accept, remember] {
        QWidget *dialog = QApplication::activeModalWidget();
        QVERIFY(dialog);
        dialog->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(dialog));
        QTest::keyClicks(QApplication::focusWidget(), " bob ");
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QTest::keyClicks(QApplication::focusWidget(), "pa ss:word");
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget()->objectName(), QStringLiteral("proxyRememberCheck"));
        if (remember)
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
        QTest::keyClick(dialog, accept ? Qt::Key_Return : Qt::Key_Escape);
    });
    ProxyCredentialsDialog::answer(&asked, nullptr);
    QCOMPARE(asked.accepted, accept);
    if (!accept)
        return;
    QCOMPARE(asked.user, QStringLiteral("bob"));
    QCOMPARE(asked.password, QStringLiteral("pa ss:word"));
    QCOMPARE(asked.remember, remember);
}

void TestProxyCredentialsDialog::inGerman()
{
    QVERIFY(Localization::install(qApp, QLocale(QLocale::German, QLocale::Germany)));
    ProxyCredentialsDialog dialog(prompt(true));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QCOMPARE(dialog.findChild<QCheckBox *>("proxyRememberCheck")->text(), QStringLiteral("Passwort &merken"));
    QVERIFY(dialog.findChild<QLabel *>("proxyIntroLabel")->text().startsWith("Der Proxy-Server"));
    QVERIFY(!Screenshots::save(&dialog, "proxy-credentials-de").isEmpty());
    LATCHKEY_VERIFY_ACCESSIBLE(&dialog);
    for (QTranslator *translator : qApp->findChildren<QTranslator *>())
        QCoreApplication::removeTranslator(translator);
}

LATCHKEY_UI_TEST_MAIN(TestProxyCredentialsDialog)
#include "TestProxyCredentialsDialog.moc"
