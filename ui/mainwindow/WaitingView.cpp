#include "WaitingView.h"

#include "Style.h"
#include "WrappingLabel.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

WaitingView::WaitingView(QWidget *parent)
    : QWidget(parent)
    , m_status(new WrappingLabel(this))
    , m_openAgain(new QPushButton(tr("&Open the browser again"), this))
    , m_copy(new QPushButton(tr("Cop&y sign-in link"), this))
{
    auto *title = new WrappingLabel(tr("Continue in your browser"), this);
    Style::heading(title);
    auto *text = new WrappingLabel(tr("Latchkey opened your web browser. Choose how to sign in there; this window "
                                      "continues by itself when you are done."),
                                   this);
    auto *progress = new QProgressBar(this);
    progress->setRange(0, 0); // busy: there is no way to know how long a person takes
    progress->setTextVisible(false);
    progress->setAccessibleName(tr("Waiting for the browser"));
    Style::status(m_status);
    m_status->setObjectName(QStringLiteral("waitingStatusLabel"));
    m_status->hide();
    m_openAgain->setObjectName(QStringLiteral("openBrowserAgainButton"));
    m_copy->setObjectName(QStringLiteral("copyLinkButton"));
    auto *cancel = new QPushButton(tr("&Cancel"), this);
    cancel->setObjectName(QStringLiteral("cancelSignInButton"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_openAgain);
    buttons->addWidget(m_copy);
    buttons->addStretch(1);
    buttons->addWidget(cancel);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(title);
    layout->addWidget(text);
    layout->addWidget(progress);
    layout->addWidget(m_status);
    layout->addLayout(buttons);
    layout->addStretch(2);
    connect(m_openAgain, &QPushButton::clicked, this, &WaitingView::openAgainRequested);
    connect(m_copy, &QPushButton::clicked, this, &WaitingView::copyLink);
    connect(cancel, &QPushButton::clicked, this, &WaitingView::cancelRequested);
    setFocusProxy(cancel);
}

void WaitingView::setLink(const QUrl &url)
{
    m_link = url;
    m_copy->setEnabled(url.isValid());
    m_openAgain->setEnabled(url.isValid());
}

void WaitingView::setProblem(const QString &problem)
{
    m_status->setText(
        problem.isEmpty() ? QString() : tr("%1 Copy the sign-in link and open it in a browser yourself.").arg(problem));
    m_status->setVisible(!problem.isEmpty());
}

void WaitingView::copyLink()
{
    QGuiApplication::clipboard()->setText(QString::fromUtf8(m_link.toEncoded()));
    m_status->setText(tr("The sign-in link is on the clipboard. Paste it into your browser's address bar."));
    m_status->show();
}
