#include "SignedInView.h"

#include "Style.h"
#include "WrappingLabel.h"

#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace {
QString initialsOf(const QString &name, const QString &fallback)
{
    QString initials;
    for (const QString &word : (name.isEmpty() ? fallback : name).split(u' ', Qt::SkipEmptyParts)) {
        initials += word.at(0).toUpper();
        if (initials.size() == 2)
            break;
    }
    return initials;
}
} // namespace

SignedInView::SignedInView(QWidget *parent)
    : QWidget(parent)
    , m_initials(new WrappingLabel(this))
    , m_name(new WrappingLabel(this))
    , m_username(new WrappingLabel(this))
    , m_email(new WrappingLabel(this))
    , m_provider(new WrappingLabel(this))
    , m_expiry(new WrappingLabel(this))
    , m_warning(new WrappingLabel(this))
    , m_confirmation(new WrappingLabel(this))
    , m_renewal(new WrappingLabel(this))
    , m_renewNow(new QPushButton(tr("&Try now"), this))
    , m_methods(new QPushButton(tr("Sign-in &methods…"), this))
{
    m_initials->setAlignment(Qt::AlignCenter);
    m_initials->setFixedSize(m_initials->fontMetrics().height() * 3, m_initials->fontMetrics().height() * 3);
    m_initials->setStyleSheet(QStringLiteral("background: palette(highlight); color: palette(highlighted-text);"
                                             "border-radius: %1px;")
                                  .arg(m_initials->height() / 2));
    Style::subheading(m_initials);
    m_initials->setAccessibleName(tr("Account picture"));
    Style::heading(m_name);
    m_name->setObjectName(QStringLiteral("accountNameLabel"));
    m_username->setObjectName(QStringLiteral("accountUsernameLabel"));
    m_username->setAccessibleDescription(tr("Your username"));
    Style::secondary(m_username);
    for (QLabel *label : {m_email, m_provider, m_expiry})
        Style::status(label);
    m_email->setObjectName(QStringLiteral("accountEmailLabel"));
    m_provider->setObjectName(QStringLiteral("accountProviderLabel"));
    m_expiry->setObjectName(QStringLiteral("sessionExpiryLabel"));
    Style::status(m_warning);
    m_warning->setObjectName(QStringLiteral("vaultWarningLabel"));
    m_warning->hide();
    Style::status(m_confirmation);
    m_confirmation->setObjectName(QStringLiteral("linkConfirmationLabel"));
    m_confirmation->hide();
    Style::status(m_renewal);
    m_renewal->setObjectName(QStringLiteral("renewalProblemLabel"));
    m_renewNow->setObjectName(QStringLiteral("renewNowButton"));
    m_renewNow->setAccessibleDescription(tr("Renew the sign-in now instead of waiting"));
    m_methods->setObjectName(QStringLiteral("signInMethodsButton"));
    m_methods->hide();
    auto *signOut = new QPushButton(tr("Sign &out"), this);
    signOut->setObjectName(QStringLiteral("signOutButton"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(signOut);
    buttons->addWidget(m_methods);
    buttons->addStretch(1);

    auto *names = new QVBoxLayout;
    names->addWidget(m_name);
    names->addWidget(m_username);
    auto *header = new QHBoxLayout;
    header->addWidget(m_initials, 0, Qt::AlignTop);
    header->addLayout(names, 1);
    auto *details = new QFormLayout;
    details->addRow(tr("Email:"), m_email);
    details->addRow(tr("Signed in with:"), m_provider);
    details->addRow(tr("Session:"), m_expiry);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(m_confirmation);
    layout->addSpacing(12);
    layout->addLayout(header);
    layout->addSpacing(12);
    layout->addLayout(details);
    layout->addWidget(m_warning);
    auto *renewal = new QHBoxLayout;
    renewal->addWidget(m_renewal, 1);
    renewal->addWidget(m_renewNow, 0, Qt::AlignTop);
    layout->addLayout(renewal);
    layout->addSpacing(12);
    layout->addLayout(buttons);
    layout->addStretch(2);
    connect(signOut, &QPushButton::clicked, this, &SignedInView::signOutRequested);
    connect(m_methods, &QPushButton::clicked, this, &SignedInView::signInMethodsRequested);
    connect(m_renewNow, &QPushButton::clicked, this, &SignedInView::renewNowRequested);
    setRenewalProblem({});
    setFocusProxy(signOut);
}

void SignedInView::setAccount(const AccountProfile &p, qint64 accessExpiresAt, bool renews, bool accessEnded,
                              const QString &warning)
{
    m_initials->setText(initialsOf(p.name, p.username));
    m_name->setText(p.name.isEmpty() ? p.username : p.name);
    m_username->setText(p.username.isEmpty() ? QString() : QStringLiteral("@") + p.username);
    m_email->setText(p.email.isEmpty()     ? tr("none shared")
                         : p.emailVerified ? tr("%1 ✓ verified").arg(p.email)
                                           : tr("%1 (not verified)").arg(p.email));
    m_provider->setText(p.provider.isEmpty() ? QUrl(p.issuer).authority() : p.provider);
    const QDateTime expiry = QDateTime::fromSecsSinceEpoch(accessExpiresAt);
    const QString until = QLocale().toString(expiry.time(), QLocale::ShortFormat);
    if (renews && accessEnded)
        m_expiry->setText(tr("Access ended at %1; it is renewed as soon as the server answers.").arg(until));
    else
        m_expiry->setText(renews ? tr("Renews automatically; current access until %1").arg(until)
                                 : tr("Ends at %1; the server does not renew it, so sign in again then.").arg(until));
    m_warning->setText(warning);
    m_warning->setVisible(!warning.isEmpty());
}

void SignedInView::setConfirmation(const QString &text)
{
    m_confirmation->setText(text);
    m_confirmation->setVisible(!text.isEmpty());
}

void SignedInView::setRenewalProblem(const QString &text)
{
    m_renewal->setText(text);
    m_renewal->setVisible(!text.isEmpty());
    m_renewNow->setVisible(!text.isEmpty());
}

void SignedInView::setSignInMethodsAvailable(bool available)
{
    m_methods->setVisible(available);
}
