#include "SignedOutView.h"

#include "Style.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

SignedOutView::SignedOutView(QWidget *parent)
    : QWidget(parent)
    , m_server(new QLabel(this))
    , m_reason(new QLabel(this))
    , m_signIn(new QPushButton(tr("&Sign in"), this))
{
    auto *title = new QLabel(tr("Welcome to Latchkey"), this);
    Style::heading(title);
    auto *about = new QLabel(tr("Sign in with your Google, GitHub or Microsoft account. Your browser opens for the "
                                "sign-in itself; Latchkey never sees your password."), this);
    about->setWordWrap(true);
    Style::secondary(m_server);
    m_server->setObjectName(QStringLiteral("serverLabel"));
    m_reason->setObjectName(QStringLiteral("signOutReasonLabel"));
    Style::status(m_reason);
    // The message itself is the accessible name (what a screen reader reads).
    m_reason->setAccessibleDescription(tr("Why you are signed out"));
    m_reason->hide();
    m_signIn->setObjectName(QStringLiteral("signInButton"));
    m_signIn->setAccessibleName(tr("Sign in"));
    Style::primary(m_signIn);
    auto *settings = new QPushButton(tr("Se&rver settings…"), this);
    settings->setObjectName(QStringLiteral("settingsButton"));
    settings->setFlat(true);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(title);
    layout->addWidget(about);
    layout->addSpacing(8);
    layout->addWidget(m_reason);
    layout->addSpacing(8);
    layout->addWidget(m_signIn);
    layout->addWidget(m_server);
    layout->addWidget(settings, 0, Qt::AlignLeft);
    layout->addStretch(2);
    connect(m_signIn, &QPushButton::clicked, this, &SignedOutView::signInRequested);
    connect(settings, &QPushButton::clicked, this, &SignedOutView::settingsRequested);
    setFocusProxy(m_signIn);
}

void SignedOutView::setServer(const QString &issuer)
{
    m_server->setText(tr("Server: %1").arg(issuer));
}

void SignedOutView::setReason(const QString &reason)
{
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
}
