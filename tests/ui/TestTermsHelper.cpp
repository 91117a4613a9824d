// The terms page with the real latchkey-terms helper process: WebEngine
// renders the server's terms in another process, embedded in the wizard
// under X11 (run under Xvfb) and in a window of its own elsewhere (the
// offscreen run). Links reach the system browser through the real
// QDesktopServices, which runs a recording xdg-open put first on PATH.

#include "RequestFactory.h"
#include "Screenshots.h"
#include "TermsPage.h"
#include "TestServer.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
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

// Terms that try to move the view without a click; ELSEWHERE is the other
// site's address, HEAD and BODY are filled in per case.
const char MovingTerms[] = "<!doctype html><html><head>HEAD</head><body data-terms-version=\"7\"><h1>Terms</h1>"
                           "<p>Be kind.</p>BODY</body></html>";

// A web site of the test's own on 127.0.0.1, port 0: serves `pages` (path
// to response) and writes down each path asked for, but for the app's own
// request for the terms' version (TermsJob) and WebEngine's favicon.
class LocalSite
{
public:
    struct Page
    {
        QByteArray html;
        QByteArray refresh;  // a Refresh header
        QByteArray location; // a 302 to here
    };

    LocalSite()
    {
        m_server.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            answer(request, std::move(responder));
        });
    }
    bool start()
    {
        auto *tcp = new QTcpServer(&m_server);
        if (!tcp->listen(QHostAddress::LocalHost, 0))
            return false;
        m_server.bind(tcp);
        m_port = tcp->serverPort();
        return true;
    }
    QUrl url(const QString &path) const { return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)); }

    QHash<QString, Page> pages;
    QStringList visits;

private:
    void answer(const QHttpServerRequest &request, QHttpServerResponder &&responder)
    {
        const QString path = request.url().path();
        if (request.value("User-Agent") != RequestFactory::userAgent() && path != "/favicon.ico")
            visits.append(path);
        const auto page = pages.constFind(path);
        if (page == pages.constEnd())
            return responder.write(QHttpServerResponder::StatusCode::NotFound);
        if (!page->location.isEmpty())
            return responder.write({{"Location", page->location}}, QHttpServerResponder::StatusCode::Found);
        QHttpServerResponse response("text/html", page->html);
        if (!page->refresh.isEmpty())
            response.setHeader("Refresh", page->refresh);
        response.write(std::move(responder));
    }

    QHttpServer m_server;
    quint16 m_port = 0;
};
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
    void noNavigationWithoutClick_data();
    void noNavigationWithoutClick();
    void serverRedirectOfTermsNotShown();
    void reloadShowsTheTermsAgain();
    void helperMissingShowsText();
    void helperKilledShowsText();
    void wizardClosedEndsHelper();

private:
    TermsPage *openTerms(const QUrl &terms);
    bool waitForPainted();
    QStringList opened() const;
    static QStringList logged(const QString &text);
    static QStringList shownInView();
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

// What the app logged of the helper's words, e.g. its refusals.
QStringList TestTermsHelper::logged(const QString &text)
{
    QStringList lines;
    for (const QString &message : std::as_const(g_messages))
        if (message.startsWith("helper: ") && message.contains(text))
            lines.append(message);
    return lines;
}

// Each address the helper's view showed, in order.
QStringList TestTermsHelper::shownInView()
{
    const QString marker = "the terms view shows ";
    QStringList urls;
    for (const QString &line : logged(marker))
        urls.append(line.mid(line.indexOf(marker) + marker.size()).trimmed());
    return urls;
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

// Nothing but a click moves the view: no refresh (meta or header, any
// delay, in the page or in a frame) reaches another site or even reloads
// the terms, and the terms stay shown and can be accepted. JavaScript is off
// in the view, so these are all the ways a page has without a click.
void TestTermsHelper::noNavigationWithoutClick_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("refreshHeader");
    QTest::addColumn<QByteArray>("frame"); // the page at /frame

    const QByteArray toElsewhere = "<meta http-equiv=\"refresh\" content=\"0;url=ELSEWHERE\">";
    QTest::newRow("meta refresh 0 s") << toElsewhere << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("meta refresh 1 s") << QByteArray("<meta http-equiv=\"refresh\" content=\"1; URL='ELSEWHERE'\">")
                                      << QByteArray() << QByteArray() << QByteArray();
    // Over a second Blink no longer replaces the terms in the history: another kind of navigation.
    QTest::newRow("meta refresh 3 s") << QByteArray("<meta http-equiv=\"refresh\" content=\"3;url=ELSEWHERE\">")
                                      << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("Refresh header") << QByteArray() << QByteArray() << QByteArray("0;url=ELSEWHERE") << QByteArray();
    QTest::newRow("meta refresh of the terms")
        << QByteArray("<meta http-equiv=\"refresh\" content=\"0\">") << QByteArray() << QByteArray() << QByteArray();
    // A refresh always moves its own frame; _top is the closest it gets to the page.
    QTest::newRow("meta refresh in a frame")
        << QByteArray() << QByteArray("<iframe src=\"/frame\"></iframe>") << QByteArray()
        << "<head><base target=\"_top\">" + toElsewhere + "</head>";
    QTest::newRow("meta refresh 3 s in a frame")
        << QByteArray() << QByteArray("<iframe src=\"/frame\"></iframe>") << QByteArray()
        << QByteArray("<meta http-equiv=\"refresh\" content=\"3;url=ELSEWHERE\">");
}

void TestTermsHelper::noNavigationWithoutClick()
{
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, refreshHeader);
    QFETCH(QByteArray, frame);
    LocalSite elsewhere;
    LocalSite site;
    QVERIFY(elsewhere.start());
    QVERIFY(site.start());
    const QByteArray target = elsewhere.url("/landing?token=secret#part").toEncoded();
    QByteArray terms(MovingTerms);
    terms.replace("HEAD", head).replace("BODY", body).replace("ELSEWHERE", target);
    site.pages.insert("/terms", {terms, QByteArray(refreshHeader).replace("ELSEWHERE", target), {}});
    const QStringList expected = frame.isEmpty() ? QStringList{"/terms"} : QStringList{"/terms", "/frame"};
    if (!frame.isEmpty())
        site.pages.insert("/frame", {QByteArray(frame).replace("ELSEWHERE", target), {}, {}});

    openTerms(site.url("/terms"));
    QVERIFY(waitForPainted());
    (void)QTest::qWaitFor(
        [&] {
            return !logged("refused").isEmpty() || !elsewhere.visits.isEmpty() || site.visits.size() > expected.size();
        },
        Timeout);
    QTest::qWait(500); // whatever else was coming
    QCOMPARE(elsewhere.visits, QStringList());
    QCOMPARE(site.visits, expected);
    QCOMPARE(opened(), QStringList()); // nor the system browser
    QCOMPARE(shownInView(), QStringList{site.url("/terms").toString()});
    const QStringList refusals = logged("refused");
    QVERIFY2(!refusals.isEmpty(), qPrintable(g_messages.join('\n')));
    QVERIFY2(!refusals.join(' ').contains("token") && !refusals.join(' ').contains("#"),
             qPrintable(refusals.join('\n')));
    // The terms as before: shown in the web view, and "I agree" goes on.
    QVERIFY(!m_page->findChild<QTextBrowser *>("termsTextView"));
    QCOMPARE(m_page->termsVersion(), QString("7"));
    QCheckBox *agree = m_page->findChild<QCheckBox *>("agreeCheckBox");
    QVERIFY(agree->isEnabled());
    agree->setChecked(true);
    QVERIFY(m_page->isComplete());
}

// The app reads the terms without following redirects (TermsJob), so a
// terms URL that redirects cannot be agreed to anyway; the view does not go
// there either, wherever the server points.
void TestTermsHelper::serverRedirectOfTermsNotShown()
{
    LocalSite elsewhere;
    LocalSite site;
    QVERIFY(elsewhere.start());
    QVERIFY(site.start());
    elsewhere.pages.insert("/landing", {QByteArray(MovingTerms), {}, {}});
    site.pages.insert("/terms", {{}, {}, elsewhere.url("/landing?token=secret").toEncoded()});
    openTerms(site.url("/terms"));
    QTRY_VERIFY_WITH_TIMEOUT(m_page->findChild<QTextBrowser *>("termsTextView"), Timeout); // the helper gave up
    QCOMPARE(elsewhere.visits, QStringList());
    QCOMPARE(site.visits, QStringList{"/terms"});
    QVERIFY2(!logged("refused").isEmpty(), qPrintable(g_messages.join('\n')));
    QVERIFY(!logged("refused").join(' ').contains("token"));
    QVERIFY(!m_page->findChild<QCheckBox *>("agreeCheckBox")->isEnabled());
}

// The server says the terms changed: the view asks for them again, and
// that load is the helper's own, not the page's.
void TestTermsHelper::reloadShowsTheTermsAgain()
{
    LocalSite site;
    QVERIFY(site.start());
    site.pages.insert("/terms", {QByteArray(MovingTerms).replace("HEAD", {}).replace("BODY", {}), {}, {}});
    openTerms(site.url("/terms"));
    QVERIFY(waitForPainted());
    m_page->reload(QStringLiteral("The terms changed."));
    QTRY_COMPARE_WITH_TIMEOUT(site.visits, QStringList({"/terms", "/terms"}), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->findChild<QCheckBox *>("agreeCheckBox")->isEnabled(), Timeout);
    QCOMPARE(logged("refused"), QStringList());
    QVERIFY(!m_page->findChild<QTextBrowser *>("termsTextView"));
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
