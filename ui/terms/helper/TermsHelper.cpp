#include "TermsHelper.h"

#include "TermsLinks.h"
#include "TermsWebPage.h"
#include "UiLogging.h"

#include <QApplication>
#include <QImage>
#include <QKeyEvent>
#include <QSocketNotifier>
#include <QVBoxLayout>
#include <QWebEngineProfile>
#include <QWebEngineSettings>
#include <QWebEngineView>

#include <cstdio>
#include <unistd.h>

namespace {
constexpr int PaintPollMs = 50;
constexpr int PaintPollLimit = 400; // 20 s of a visible view that stays blank
} // namespace

TermsHelper::TermsHelper(QObject *parent)
    : QObject(parent)
    , m_stdin(new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this))
{
    connect(m_stdin, &QSocketNotifier::activated, this, &TermsHelper::readCommands);
    m_paintPoll.setInterval(PaintPollMs);
    connect(&m_paintPoll, &QTimer::timeout, this, &TermsHelper::checkPainted);
}

TermsHelper::~TermsHelper()
{
    // The page before its profile, or WebEngine warns that the profile was
    // released while a page still used it.
    delete m_window; // with the view and its page
    delete m_profile;
}

void TermsHelper::readCommands()
{
    char buffer[4096];
    const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (got <= 0) { // the app closed the pipe, quit or crashed
        m_stdin->setEnabled(false);
        QCoreApplication::quit();
        return;
    }
    if (!m_lines.append(QByteArray(buffer, got))) {
        fail(QStringLiteral("command line too long"));
        QCoreApplication::quit();
        return;
    }
    for (const QByteArray &line : m_lines.take())
        run(line);
}

void TermsHelper::run(const QByteArray &line)
{
    using namespace TermsProtocol;
    const auto [word, argument] = split(line);
    if (word == Load && !m_view)
        load(QUrl(QString::fromUtf8(argument), QUrl::StrictMode));
    else if (word == Title && m_view)
        m_window->setWindowTitle(QString::fromUtf8(argument));
    else if (word == Show && m_view)
        m_window->show();
    else if (word == Hide && m_view)
        m_window->hide();
    else if (word == Reload && m_page)
        m_page->reloadTerms();
    else if (word == Quit)
        QCoreApplication::quit();
}

void TermsHelper::load(const QUrl &url)
{
    if (!TermsLinks::isWebLink(url))
        return fail(QStringLiteral("not a web address: %1").arg(url.toDisplayString()));
    // An off-the-record profile: reading the terms leaves nothing on disk.
    m_profile = new QWebEngineProfile(this);
    makeWindow();
    m_page = new TermsWebPage(url, m_profile, m_view);
    // No script may move the view: TermsWebPage tells a click from a page's
    // own doing only while the page has no JavaScript.
    m_page->settings()->setAttribute(QWebEngineSettings::JavascriptEnabled, false);
    watchPage();
    m_view->setPage(m_page);
    m_view->setObjectName(QStringLiteral("termsWebView"));
    m_page->showTerms();
    send(TermsProtocol::Window, QByteArray::number(quint64(m_window->winId())));
}

void TermsHelper::watchPage()
{
    connect(m_page, &TermsWebPage::linkClicked, this,
            [this](const QUrl &link) { send(TermsProtocol::Link, link.toEncoded()); });
    connect(m_page, &QWebEnginePage::loadFinished, this, [this](bool ok) {
        // A link the page refused to follow also ends as a failed load: only
        // the first load decides whether the terms are there.
        if (m_loaded)
            return;
        if (!ok)
            return fail(QStringLiteral("the terms did not load"));
        m_loaded = true;
        m_paintPoll.start();
    });
    // What the view showed, for the log (and the tests): the terms URL only.
    connect(m_page, &QWebEnginePage::urlChanged, this, [](const QUrl &shown) {
        qCInfo(lcTerms).noquote() << "the terms view shows" << TermsLinks::forLog(shown);
    });
}

// The view between two empty focus stops: Tab past the page's last link
// (or Shift+Tab before its first) lands on one, which tells the app to take
// the focus back, so the keyboard is never trapped in the embedded window.
void TermsHelper::makeWindow()
{
    m_window = new QWidget;
    m_view = new QWebEngineView(m_window);
    m_before = new QWidget(m_window);
    m_after = new QWidget(m_window);
    auto *layout = new QVBoxLayout(m_window);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_before);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_after);
    for (QWidget *stop : {m_before, m_after}) {
        stop->setFocusPolicy(Qt::TabFocus);
        stop->setFixedSize(1, 1);
    }
    QWidget::setTabOrder(m_before, m_view);
    QWidget::setTabOrder(m_view, m_after);
    m_window->resize(640, 480);
    m_view->setFocus(); // not a focus stop: entering the window lands in the page
    qApp->installEventFilter(this);
    // Embedded, this window may never count as active (another client gave
    // it the X focus), so no focusChanged: look at its focus child after
    // each Tab instead, for as long as Chromium may take to hand focus on.
    m_focusPoll.setInterval(50);
    connect(&m_focusPoll, &QTimer::timeout, this, [this] {
        if (++m_focusPolls > 20)
            m_focusPoll.stop();
        focusLeft(m_window->focusWidget());
    });
}

void TermsHelper::focusLeft(QWidget *now)
{
    if (now != m_before && now != m_after)
        return;
    // Which stop Chromium hands the focus to says little about the
    // direction; the last key says it all.
    send(m_backwards ? TermsProtocol::FocusPrevious : TermsProtocol::FocusNext);
    m_focusPoll.stop();
    m_view->setFocus(Qt::OtherFocusReason); // where the next visit starts
}

bool TermsHelper::eventFilter(QObject *, QEvent *event)
{
    if (event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Tab || key->key() == Qt::Key_Backtab) {
            m_backwards = key->key() == Qt::Key_Backtab || key->modifiers().testFlag(Qt::ShiftModifier);
            m_focusPolls = 0;
            m_focusPoll.start();
        }
    }
    return false;
}

// loadFinished comes before anything is on screen: the terms count as shown
// once a grab of the view holds more than its background colour.
void TermsHelper::checkPainted()
{
    if (!m_view || !m_view->isVisible())
        return;
    const QImage image = m_view->grab().toImage().convertToFormat(QImage::Format_RGB32);
    const QRgb background = image.isNull() ? 0 : image.pixel(0, 0);
    for (int y = 0; y < image.height(); y += 2) {
        const auto *row = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            if (row[x] != background) {
                m_paintPoll.stop();
                m_painted = true;
                send(TermsProtocol::Painted);
                return;
            }
        }
    }
    if (++m_paintPolls > PaintPollLimit) {
        m_paintPoll.stop();
        fail(QStringLiteral("the terms stayed blank"));
    }
}

void TermsHelper::send(const char *word, const QByteArray &argument)
{
    const QByteArray out = TermsProtocol::line(word, argument);
    std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
    std::fflush(stdout);
}

void TermsHelper::fail(const QString &message)
{
    send(TermsProtocol::Error, message.toUtf8());
}
