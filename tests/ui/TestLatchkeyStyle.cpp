// LatchkeyStyle makes standard icons only when they are drawn: the icons
// must be the platform style's own, and a window with a menu bar must not
// load any image plugin before the menus' extension button is drawn.

#include "LatchkeyStyle.h"

#include <QApplication>
#include <QFile>
#include <QMainWindow>
#include <QMenuBar>
#include <QTest>
#include <QToolButton>

namespace {
bool imagePluginLoaded()
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly))
        qFatal("cannot read /proc/self/maps");
    return maps.readAll().contains("/imageformats/");
}
} // namespace

class TestLatchkeyStyle : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    // First: once any test reads a PNG icon, the plugins stay loaded.
    void menuBarLoadsNoImagePlugin();
    void iconsAreTheBaseStyles_data();
    void iconsAreTheBaseStyles();
    void widgetGoneGivesNullIcon();

private:
    LatchkeyStyle *m_style = nullptr;
};

void TestLatchkeyStyle::initTestCase()
{
    m_style = new LatchkeyStyle;
    QApplication::setStyle(m_style); // before any widget, as in app/main.cpp
    QVERIFY(!imagePluginLoaded());
}

void TestLatchkeyStyle::menuBarLoadsNoImagePlugin()
{
    QMainWindow window;
    window.menuBar()->addMenu(QStringLiteral("&File"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY2(!imagePluginLoaded(), "an image plugin was loaded before any icon was drawn");

    auto *extension = window.menuBar()->findChild<QToolButton *>(QStringLiteral("qt_menubar_ext_button"));
    QVERIFY(extension);
    QVERIFY(extension->isHidden()); // the menus fit
    const QPixmap drawn = extension->icon().pixmap(16);
    QVERIFY(!drawn.isNull());
    QVERIFY(imagePluginLoaded()); // the check above could see one
}

void TestLatchkeyStyle::iconsAreTheBaseStyles_data()
{
    QTest::addColumn<int>("pixmap");
    QTest::addColumn<qreal>("scale");
    QTest::newRow("menu extension") << int(QStyle::SP_ToolBarHorizontalExtensionButton) << 1.0;
    QTest::newRow("menu extension, 2x") << int(QStyle::SP_ToolBarHorizontalExtensionButton) << 2.0;
    QTest::newRow("warning") << int(QStyle::SP_MessageBoxWarning) << 1.0;
    QTest::newRow("critical, 2x") << int(QStyle::SP_MessageBoxCritical) << 2.0;
    QTest::newRow("ok button") << int(QStyle::SP_DialogOkButton) << 1.0;
    QTest::newRow("back arrow") << int(QStyle::SP_ArrowBack) << 1.0;
    QTest::newRow("line edit clear") << int(QStyle::SP_LineEditClearButton) << 1.0;
}

void TestLatchkeyStyle::iconsAreTheBaseStyles()
{
    QFETCH(int, pixmap);
    QFETCH(qreal, scale);
    const auto which = QStyle::StandardPixmap(pixmap);
    const QIcon deferred = m_style->standardIcon(which);
    const QIcon direct = m_style->baseStyle()->standardIcon(which);
    QCOMPARE(deferred.isNull(), direct.isNull());
    QCOMPARE(deferred.name(), direct.name());
    QCOMPARE(deferred.availableSizes(), direct.availableSizes());
    QCOMPARE(deferred.actualSize(QSize(32, 32)), direct.actualSize(QSize(32, 32)));
    const QImage got = deferred.pixmap(QSize(32, 32), scale).toImage();
    QCOMPARE(got.size(), direct.pixmap(QSize(32, 32), scale).toImage().size());
    QCOMPARE(got, direct.pixmap(QSize(32, 32), scale).toImage());
    QCOMPARE(deferred.pixmap(QSize(32, 32), QIcon::Disabled).toImage(),
             direct.pixmap(QSize(32, 32), QIcon::Disabled).toImage());
    // A copy made before the icon was drawn draws the same.
    const QIcon copy = QIcon(m_style->standardIcon(which));
    QCOMPARE(copy.pixmap(32).toImage(), direct.pixmap(32).toImage());
}

void TestLatchkeyStyle::widgetGoneGivesNullIcon()
{
    auto *widget = new QWidget;
    const QIcon icon = m_style->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, widget);
    delete widget;
    QVERIFY(icon.isNull()); // made without touching the deleted widget
    QVERIFY(icon.pixmap(32).isNull());
}

QTEST_MAIN(TestLatchkeyStyle)
#include "TestLatchkeyStyle.moc"
