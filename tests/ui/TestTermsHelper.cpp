// The terms page with the real latchkey-terms helper process: WebEngine
// renders the server's terms in another process, embedded in the wizard
// under X11 (run under Xvfb) and in a window of its own elsewhere (the
// offscreen run). Links reach the system browser through the real
// QDesktopServices, which runs a recording xdg-open put first on PATH.

#include "Screenshots.h"
#include "TermsPage.h"
#include "TestServer.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QImage>
#include <QNetworkAccessManager>
#include <QPixmap>
#include <QProcess>
#include <QScreen>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QWizard>

#include <csignal>
#include <memory>

namespace {
constexpr int Timeout = 30000;

QStringList g_messages;

void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_messages.append(message);
    qt_message_output(type, context, message); // Qt's default: still in the test's log
}

bool running(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

// Links a person may meet on a server's terms; only the web ones may leave.
const char HostilePage[] = "<!doctype html><html><body data-terms-version=\"7\"><h1>Terms</h1><p>"
                           "<a href='file:///etc/passwd'>file</a> <a href='data:text/html,x'>data</a> "
                           "<a href='latchkey:x'>custom</a> <a href='ftp://example.org/x'>ftp</a> "
                           "<a href='https://example.org/more-terms'>more</a> "
                           "<a href='http://example.org/new-window' target='_blank'>new window</a></p></body></html>";
} // namespace

class TestTermsHelper : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void paintedEnablesAgree();
    void linksOnlyWebInSystemBrowser();
    void tabLeavesTheTerms();
    void helperMissingShowsText();
    void helperKilledShowsText();
    void wizardClosedEndsHelper();

private:
    TermsPage *openTerms(const QUrl &terms);
    bool waitForPainted();
    QStringList opened() const;
    void typeInHelper(const QStringList &keys);
    bool embedded() const { return QGuiApplication::platformName() == QLatin1String("xcb"); }

    TestServer m_server;
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;
    std::unique_ptr<QWizard> m_wizard;
    TermsPage *m_page = nullptr;
};

void TestTermsHelper::initTestCase()
{
    QVERIFY(m_server.start());
    QVERIFY(m_dir.isValid());
    // The system browser: whatever xdg-open gets is written down.
    QFile opener(m_dir.filePath("xdg-open"));
    QVERIFY(opener.open(QIODevice::WriteOnly));
    opener.write("#!/bin/sh\nprintf '%s\\n' \"$1\" >> \"$LATCHKEY_TEST_OPENED\"\n");
    opener.close();
    opener.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("PATH", m_dir.path().toUtf8() + ':' + qgetenv("PATH"));
    qputenv("LATCHKEY_TEST_OPENED", m_dir.filePath("opened").toUtf8());
    for (const char *desktop :
         {"XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_FULL_SESSION", "GNOME_DESKTOP_SESSION_ID"})
        qunsetenv(desktop);
    qInstallMessageHandler(recordMessage);
}

void TestTermsHelper::init()
{
    QFile::remove(m_dir.filePath("opened"));
    qunsetenv("LATCHKEY_TERMS_HELPER");
    g_messages.clear();
}

void TestTermsHelper::cleanup()
{
    const qint64 pid = m_page ? m_page->helperProcessId() : 0;
    m_wizard.reset();
    m_page = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(!running(pid), 5000);
    // WebEngine torn down in order: pages before their profile.
    for (const QString &message : std::as_const(g_messages))
        QVERIFY2(!message.contains("Release of profile") && !message.contains("still not deleted"), qPrintable(message));
}

TermsPage *TestTermsHelper::openTerms(const QUrl &terms)
{
    m_wizard = std::make_unique<QWizard>();
    m_page = new TermsPage(terms, &m_network);
    m_wizard->addPage(m_page);
    m_wizard->resize(800, 640);
    m_wizard->show();
    m_wizard->activateWindow();
    return m_page;
}

bool TestTermsHelper::waitForPainted()
{
    return QTest::qWaitFor([this] { return m_page->findChild<QCheckBox *>("agreeCheckBox")->isEnabled(); }, Timeout);
}

QStringList TestTermsHelper::opened() const
{
    QFile file(m_dir.filePath("opened"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
}

// Real key presses, through the X server, into the focused helper window.
void TestTermsHelper::typeInHelper(const QStringList &keys)
{
    QWidget *container = m_page->findChild<QWidget *>("termsWebContainer");
    QVERIFY(container);
    container->setFocus(Qt::TabFocusReason);
    QTest::qWait(300);
    QProcess xdotool;
    xdotool.start("xdotool", QStringList{"key", "--delay", "150"} + keys);
    QVERIFY2(xdotool.waitForFinished(20000), qPrintable(xdotool.errorString()));
    QCOMPARE(xdotool.exitCode(), 0);
}

void TestTermsHelper::paintedEnablesAgree()
{
    openTerms(m_server.url("/terms"));
    QCheckBox *agree = m_page->findChild<QCheckBox *>("agreeCheckBox");
    QVERIFY(!agree->isEnabled());
    QVERIFY(waitForPainted());
    QVERIFY(running(m_page->helperProcessId()));
    QVERIFY(!m_page->findChild<QTextBrowser *>("termsTextView")); // the web view, not the fallback
    QVERIFY(!m_page->termsVersion().isEmpty());
    if (!embedded()) {
        QVERIFY(m_page->findChild<QWidget *>("termsOwnWindowLabel"));
        return;
    }
    QWidget *container = m_page->findChild<QWidget *>("termsWebContainer");
    QVERIFY(container);
    QVERIFY(!container->accessibleName().isEmpty());
    // What the X server shows there: the helper's pixels, text and all.
    QTest::qWait(200);
    const QImage shot = container->screen()->grabWindow(m_wizard->winId()).toImage();
    const QRect area(container->mapTo(m_wizard.get(), QPoint(0, 0)), container->size());
    int dark = 0;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x)
            dark += qGray(shot.pixel(x, y)) < 128;
    QVERIFY2(dark > 500, qPrintable(QString::number(dark)));
    shot.save(QDir(Screenshots::directory()).filePath("terms-helper-embedded.png"));
}

void TestTermsHelper::linksOnlyWebInSystemBrowser()
{
    if (!embedded())
        QSKIP("typing into the helper needs X11 (the Xvfb run)");
    QHttpServer hostile;
    hostile.route("/terms", [] { return QHttpServerResponse("text/html", HostilePage); });
    auto *tcp = new QTcpServer(&hostile);
    QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
    hostile.bind(tcp);
    openTerms(QUrl(QStringLiteral("http://127.0.0.1:%1/terms").arg(tcp->serverPort())));
    QVERIFY(waitForPainted());
    // Each link in turn: Tab to it, Return to follow it (more Tabs than
    // links: the view itself takes one, and Chromium skips none twice).
    QStringList keys;
    for (int i = 0; i < 8; ++i)
        keys << "Tab"
             << "Return";
    typeInHelper(keys);
    // In either order: the new-window link and the plain one reach the
    // helper by two ways in Chromium, which may answer in either order (a CI
    // run saw the new window first).
    const QStringList expected{"http://example.org/new-window", "https://example.org/more-terms"};
    const auto openedSorted = [this] {
        QStringList urls = opened();
        urls.sort();
        return urls;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(openedSorted() == expected, qPrintable(opened().join(' ')), 10000);
    QTest::qWait(500); // nothing else arrives late
    QCOMPARE(openedSorted(), expected);
    QVERIFY(!m_page->findChild<QTextBrowser *>("termsTextView")); // the view stayed on the terms
}

// The keyboard is never trapped in the embedded page: Tab past its one link
// comes back to the wizard, on "I agree".
void TestTermsHelper::tabLeavesTheTerms()
{
    if (!embedded())
        QSKIP("typing into the helper needs X11 (the Xvfb run)");
    openTerms(m_server.url("/terms"));
    QVERIFY(waitForPainted());
    QCheckBox *agree = m_page->findChild<QCheckBox *>("agreeCheckBox");
    QVERIFY(!agree->hasFocus());
    typeInHelper({"Tab"}); // onto the link
    for (int tabs = 0; tabs < 4 && !agree->hasFocus(); ++tabs) {
        QProcess::execute("xdotool", {"key", "Tab"});
        (void)QTest::qWaitFor([agree] { return agree->hasFocus(); }, 1000);
    }
    QVERIFY(agree->hasFocus());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space); // and the keys reach the wizard again
    QVERIFY(agree->isChecked());
    QCOMPARE(opened(), QStringList()); // passing a link does not follow it
}

void TestTermsHelper::helperMissingShowsText()
{
    qputenv("LATCHKEY_TERMS_HELPER", m_dir.filePath("no-such-helper").toUtf8());
    openTerms(m_server.url("/terms"));
    QVERIFY(waitForPainted());
    auto *text = m_page->findChild<QTextBrowser *>("termsTextView");
    QVERIFY(text);
    QVERIFY2(text->toPlainText().contains("Terms of service"), qPrintable(text->toPlainText()));
    QCOMPARE(m_page->helperProcessId(), 0);
}

void TestTermsHelper::helperKilledShowsText()
{
    openTerms(m_server.url("/terms"));
    QVERIFY(waitForPainted());
    const qint64 pid = m_page->helperProcessId();
    QVERIFY(running(pid));
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->findChild<QTextBrowser *>("termsTextView"), 10000);
    QVERIFY(m_wizard->isVisible());
    QVERIFY(m_page->findChild<QCheckBox *>("agreeCheckBox")->isEnabled());
    QVERIFY(m_page->findChild<QTextBrowser *>("termsTextView")->toPlainText().contains("Terms of service"));
    QVERIFY(!m_page->findChild<QWidget *>("termsWebContainer"));
}

void TestTermsHelper::wizardClosedEndsHelper()
{
    openTerms(m_server.url("/terms"));
    QVERIFY(waitForPainted());
    const qint64 pid = m_page->helperProcessId();
    QVERIFY(running(pid));
    m_wizard->close();
    m_wizard.reset();
    m_page = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(!running(pid), 5000);
}

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    TestTermsHelper test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "TestTermsHelper.moc"
