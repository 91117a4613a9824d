// app/FontconfigWarmUp.h reads fontconfig's configuration on a second thread
// while QApplication starts. That helps only if Qt then uses the
// configuration the thread made instead of loading its own, and if fonts work
// as before: this test starts the way app/main.cpp does and checks both.

#include "FontconfigWarmUp.h"

#include <QApplication>
#include <QFontDatabase>
#include <QFontMetrics>
#include <QLabel>
#include <QTest>

#include <fontconfig/fontconfig.h>

class TestFontconfigWarmUp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void qtUsesTheConfigurationMade();
    void textIsMeasured();
    void waitingAgainDoesNothing();

public:
    FontconfigWarmUp *warmUp = nullptr;
};

void TestFontconfigWarmUp::qtUsesTheConfigurationMade()
{
    FcConfig *made = FcConfigGetCurrent(); // the thread's, joined in main()
    QVERIFY(made);
    const QStringList families = QFontDatabase::families(); // Qt reads its font database now
    QVERIFY2(families.contains(QStringLiteral("DejaVu Sans")), qPrintable(families.join(u", ")));
    QCOMPARE(FcConfigGetCurrent(), made);
}

void TestFontconfigWarmUp::textIsMeasured()
{
    QLabel label(QStringLiteral("Welcome to Latchkey"));
    QVERIFY(label.sizeHint().width() > QFontMetrics(label.font()).horizontalAdvance(QStringLiteral("Welcome")));
    QVERIFY(label.sizeHint().height() > 0);
}

void TestFontconfigWarmUp::waitingAgainDoesNothing()
{
    warmUp->wait(); // joined already: must not throw or block
    warmUp->wait();
}

int main(int argc, char *argv[])
{
    FontconfigWarmUp fonts; // as app/main.cpp: before QApplication
    QApplication app(argc, argv);
    fonts.wait();
    TestFontconfigWarmUp test;
    test.warmUp = &fonts;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "TestFontconfigWarmUp.moc"
