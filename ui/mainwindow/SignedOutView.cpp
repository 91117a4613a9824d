#include "SignedOutView.h"

#include "Style.h"
#include "WrappingLabel.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

SignedOutView::SignedOutView(QWidget *parent)
    : QWidget(parent)
    , m_server(new WrappingLabel(this))
    , m_reason(new WrappingLabel(this))
    , m_reasonDetail(new WrappingLabel(this))
    , m_signIn(new QPushButton(tr("&Sign in"), this))
    , m_settings(new QPushButton(tr("Se&rver settings…"), this))
    , m_providerLayout(new QVBoxLayout)
{
    auto *title = new WrappingLabel(tr("Welcome to Latchkey"), this);
    Style::heading(title);
    // Which providers there are is the server's to say (its discovery
    // document), so the app names none of its own.
    auto *about = new WrappingLabel(tr("Sign in with an account you already have. Your browser opens for the sign-in "
                                       "itself; Latchkey never sees your password."),
                                    this);
    about->setObjectName(QStringLiteral("aboutLabel"));
    Style::secondary(m_server);
    m_server->setObjectName(QStringLiteral("serverLabel"));
    m_reason->setObjectName(QStringLiteral("signOutReasonLabel"));
    Style::status(m_reason);
    // The message itself is the accessible name (what a screen reader reads).
    m_reason->setAccessibleDescription(tr("Why you are signed out"));
    m_reason->hide();
    m_reasonDetail->setObjectName(QStringLiteral("signOutDetailLabel"));
    Style::status(m_reasonDetail); // plain text: the server's words are never markup
    m_reasonDetail->setAccessibleDescription(tr("The server's explanation"));
    m_reasonDetail->hide();
    m_signIn->setObjectName(QStringLiteral("signInButton"));
    m_signIn->setAccessibleName(tr("Sign in"));
    Style::primary(m_signIn);
    m_settings->setObjectName(QStringLiteral("settingsButton"));
    m_settings->setFlat(true);
    m_providerLayout->setSpacing(6);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(title);
    layout->addWidget(about);
    layout->addSpacing(8);
    layout->addWidget(m_reason);
    layout->addWidget(m_reasonDetail);
    layout->addSpacing(8);
    layout->addWidget(m_signIn);
    layout->addLayout(m_providerLayout);
    layout->addWidget(m_server);
    layout->addWidget(m_settings, 0, Qt::AlignLeft);
    layout->addStretch(2);
    connect(m_signIn, &QPushButton::clicked, this, [this] { Q_EMIT signInRequested({}); });
    connect(m_settings, &QPushButton::clicked, this, &SignedOutView::settingsRequested);
    setFocusProxy(m_signIn);
}

void SignedOutView::setServer(const QString &issuer)
{
    m_server->setText(tr("Server: %1").arg(issuer));
}

void SignedOutView::setReason(const QString &reason, const QString &detail)
{
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
    m_reasonDetail->setText(detail);
    m_reasonDetail->setAccessibleName(detail);
    m_reasonDetail->setVisible(!reason.isEmpty() && !detail.isEmpty());
}

void SignedOutView::setUpstreamProviders(const QList<UpstreamProviderInfo> &providers)
{
    if (providers == m_providers)
        return;
    m_providers = providers;
    // The window's focus, also while it is inactive: the sign-in button that
    // has it may go, and focus must not fall into nothing.
    QWidget *focused = window()->focusWidget();
    const bool hadFocus = focused
        && (focused == m_signIn || m_providerButtons.contains(qobject_cast<QPushButton *>(focused)));
    for (QPushButton *button : std::as_const(m_providerButtons)) {
        // Later: this may run while the button is still delivering a click.
        button->hide();
        button->setObjectName({});
        button->deleteLater();
    }
    m_providerButtons.clear();
    for (const UpstreamProviderInfo &provider : providers)
        m_providerButtons.append(addProviderButton(provider));
    m_signIn->setVisible(m_providerButtons.isEmpty());
    QPushButton *first = m_providerButtons.isEmpty() ? m_signIn : m_providerButtons.first();
    // Enter signs in with the first provider, as it would with the plain button.
    Style::primary(first);
    setFocusProxy(first);
    updateTabOrder();
    if (hadFocus)
        first->setFocus();
}

QPushButton *SignedOutView::addProviderButton(const UpstreamProviderInfo &provider)
{
    const QString label = tr("Continue with %1").arg(provider.name);
    // A '&' in a name is a character to show, not a shortcut.
    auto *button = new QPushButton(QString(label).replace(QLatin1Char('&'), QLatin1String("&&")), this);
    button->setObjectName(QStringLiteral("signInButton_") + provider.id);
    button->setAccessibleName(label);
    button->setAutoDefault(true);
    button->setMinimumHeight(m_signIn->minimumHeight());
    m_providerLayout->addWidget(button);
    connect(button, &QPushButton::clicked, this, [this, id = provider.id] { Q_EMIT signInRequested(id); });
    return button;
}

void SignedOutView::updateTabOrder()
{
    // Buttons made later than the rest would otherwise come last in Tab order.
    QWidget *previous = m_signIn;
    for (QPushButton *button : std::as_const(m_providerButtons)) {
        setTabOrder(previous, button);
        previous = button;
    }
    setTabOrder(previous, m_settings);
}
