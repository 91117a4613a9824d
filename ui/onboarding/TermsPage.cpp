#include "TermsPage.h"

#include "ErrorMessages.h"
#include "Style.h"
#include "TermsHelperProcess.h"
#include "TermsJob.h"
#include "TermsLinks.h"
#include "TermsTextView.h"
#include "WizardFields.h"
#include "WrappingLabel.h"

#include <QCheckBox>
#include <QGuiApplication>
#include <QLabel>
#include <QVBoxLayout>
#include <QWindow>

namespace {
// Only X11 lets one process show another's window inside its own.
bool canEmbedForeignWindows()
{
    return QGuiApplication::platformName() == QLatin1String("xcb");
}
} // namespace

TermsPage::TermsPage(const QUrl &terms, QNetworkAccessManager *manager, QWidget *parent)
    : QWizardPage(parent)
    , m_terms(terms)
    , m_manager(manager)
    , m_layout(new QVBoxLayout(this))
    , m_agree(new QCheckBox(tr("I &agree to the terms of service"), this))
    , m_status(new WrappingLabel(this))
{
    setObjectName(QStringLiteral("termsPage"));
    setTitle(tr("Terms of service"));
    setSubTitle(tr("Please read the terms. Your account is created only if you agree."));
    m_agree->setObjectName(QStringLiteral("agreeCheckBox"));
    m_agree->setAccessibleName(tr("I agree to the terms of service"));
    m_agree->setEnabled(false);
    Style::status(m_status);
    m_status->setObjectName(QStringLiteral("termsStatusLabel"));
    m_layout->addWidget(m_status);
    m_layout->addWidget(m_agree);
    registerField(QLatin1String(WizardFields::TermsVersion), this, "termsVersion", SIGNAL(termsVersionChanged()));
    connect(m_agree, &QCheckBox::toggled, this, &TermsPage::completeChanged);
}

TermsPage::~TermsPage() = default; // the helper is told to quit as m_helper goes

qint64 TermsPage::helperProcessId() const
{
    return m_helper ? m_helper->processId() : 0;
}

void TermsPage::initializePage()
{
    if (!m_viewer)
        startHelper();
    if (m_version.isEmpty())
        fetchVersion();
}

void TermsPage::startHelper()
{
    auto *placeholder = new QWidget(this);
    placeholder->setObjectName(QStringLiteral("termsPlaceholder"));
    setViewer(placeholder);
    m_helper = new TermsHelperProcess(this);
    connect(m_helper, &TermsHelperProcess::windowReady, this, &TermsPage::embed);
    connect(m_helper, &TermsHelperProcess::painted, this, [this] {
        m_shown = true;
        updateAgree();
    });
    connect(m_helper, &TermsHelperProcess::linkClicked, this, &TermsLinks::openInSystemBrowser);
    connect(m_helper, &TermsHelperProcess::failed, this, &TermsPage::showAsText);
    connect(m_helper, &TermsHelperProcess::focusLeft, this, [this](bool forwards) {
        // The keyboard is back in our window: the next or previous stop after the terms.
        window()->activateWindow();
        if (forwards)
            m_agree->setFocus(Qt::TabFocusReason);
        else if (QWidget *before = m_viewer->previousInFocusChain())
            before->setFocus(Qt::BacktabFocusReason);
    });
    m_helper->start(m_terms, tr("Terms of service"));
}

void TermsPage::embed(WId window)
{
    if (!canEmbedForeignWindows()) {
        // Wayland and the like: the helper's window stands beside the wizard.
        auto *note = new WrappingLabel(tr("The terms are shown in a window of their own."), this);
        note->setObjectName(QStringLiteral("termsOwnWindowLabel"));
        setViewer(note);
        if (isVisible())
            m_helper->show();
        return;
    }
    QWidget *container = QWidget::createWindowContainer(QWindow::fromWinId(window), this);
    container->setObjectName(QStringLiteral("termsWebContainer"));
    container->setAccessibleName(tr("Terms of service"));
    container->setAccessibleDescription(tr("The server's terms of service, as a web page."));
    container->setFocusPolicy(Qt::StrongFocus);
    container->setMinimumSize(200, 150);
    setViewer(container);
    m_helper->show();
}

// No helper, or it failed or crashed: the terms as text, the wizard goes on.
void TermsPage::showAsText()
{
    if (m_asText)
        return;
    m_asText = true;
    auto *browser = new TermsTextView(m_terms, this);
    browser->setAccessibleName(tr("Terms of service"));
    setViewer(browser);
    if (m_helper) {
        m_helper->deleteLater();
        m_helper = nullptr;
    }
    if (!m_html.isEmpty()) {
        browser->setHtml(m_html);
        m_shown = true;
    }
    updateAgree();
}

void TermsPage::setViewer(QWidget *viewer)
{
    if (m_viewer) {
        m_layout->replaceWidget(m_viewer, viewer);
        m_viewer->deleteLater();
    } else {
        m_layout->insertWidget(0, viewer, 1);
    }
    m_viewer = viewer;
    setTabOrder(viewer, m_agree);
}

void TermsPage::showEvent(QShowEvent *event)
{
    QWizardPage::showEvent(event);
    if (m_helper && !m_asText)
        m_helper->show();
}

void TermsPage::hideEvent(QHideEvent *event)
{
    QWizardPage::hideEvent(event);
    // A window of its own must not stay up when the person leaves this page.
    if (m_helper && !canEmbedForeignWindows())
        m_helper->hide();
}

void TermsPage::fetchVersion()
{
    m_status->setText(tr("Loading the terms…"));
    auto *job = new TermsJob(m_manager, m_terms, this);
    connect(job, &NetworkJob::finished, this, [this, job] {
        job->deleteLater();
        if (!job->error().ok()) {
            m_status->setText(tr("The terms could not be loaded: %1 Go back and forward to try again.")
                                  .arg(ErrorMessages::sentence(job->error())));
            return;
        }
        m_version = job->version();
        m_html = job->html();
        m_status->setText(tr("Version %1").arg(m_version));
        if (auto *browser = qobject_cast<TermsTextView *>(m_viewer)) {
            browser->setHtml(m_html);
            m_shown = true;
        }
        updateAgree();
        Q_EMIT termsVersionChanged();
    });
    job->start();
}

void TermsPage::updateAgree()
{
    m_agree->setEnabled(m_shown && !m_version.isEmpty());
    Q_EMIT completeChanged();
}

bool TermsPage::isComplete() const
{
    return m_agree->isChecked() && !m_version.isEmpty();
}

void TermsPage::reload(const QString &reason)
{
    m_version.clear();
    m_agree->setChecked(false);
    m_agree->setEnabled(false);
    if (m_helper)
        m_helper->reload();
    fetchVersion();
    m_status->setText(reason);
    Q_EMIT completeChanged();
}
