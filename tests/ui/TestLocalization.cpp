// German proves localization end to end: the .ts compiled by lrelease into
// the UI library, loaded for the locale, shown in the real widgets.

#include "Localization.h"
#include "SignedOutView.h"
#include "UsernameMessages.h"
#include "WaitingView.h"

#include <QApplication>
#include <QFile>
#include <QPushButton>
#include <QTest>

class TestLocalization : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void germanIsComplete();
    void unknownLocaleFallsBackToEnglish();
    void germanIsShown();
};

void TestLocalization::germanIsComplete()
{
    QFile ts(QStringLiteral(LATCHKEY_SOURCE_DIR "/resources/translations/latchkey_de.ts"));
    QVERIFY(ts.open(QIODevice::ReadOnly));
    const QByteArray text = ts.readAll();
    QVERIFY(text.contains("<message"));
    QVERIFY2(!text.contains("type=\"unfinished\""), "run scripts/update-translations.sh and translate the new strings");
}

void TestLocalization::germanIsShown()
{
    QVERIFY(Localization::install(qApp, QLocale(QLocale::German, QLocale::Germany)));
    SignedOutView view;
    QCOMPARE(view.findChild<QPushButton *>("signInButton")->text(), QStringLiteral("&Anmelden"));
    view.setUpstreamProviders({{"google", "Google"}});
    QCOMPARE(view.findChild<QPushButton *>("signInButton_google")->text(), QStringLiteral("Weiter mit Google"));
    WaitingView waiting;
    QCOMPARE(waiting.findChild<QPushButton *>("copyLinkButton")->text(), QStringLiteral("Anmeldelink &kopieren"));
    QCOMPARE(UsernameMessages::describe(UsernameRules::Reason::Taken),
             QStringLiteral("Dieser Benutzername ist bereits vergeben."));
}

void TestLocalization::unknownLocaleFallsBackToEnglish()
{
    QVERIFY(!Localization::install(qApp, QLocale(QLocale::Swahili)));
    SignedOutView view;
    QCOMPARE(view.findChild<QPushButton *>("signInButton")->text(), QStringLiteral("&Sign in"));
}

QTEST_MAIN(TestLocalization)
#include "TestLocalization.moc"
