#include "CreateAccountPage.h"

#include "ErrorMessages.h"
#include "OnboardingWizard.h"
#include "Style.h"
#include "UsernameMessages.h"
#include "WizardFields.h"
#include "WrappingLabel.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

CreateAccountPage::CreateAccountPage(OnboardingClient *client, QWidget *parent)
    : QWizardPage(parent)
    , m_client(client)
    , m_summary(new WrappingLabel(this))
    , m_status(new WrappingLabel(this))
    , m_progress(new QProgressBar(this))
    , m_restart(new QPushButton(tr("&Sign in again"), this))
{
    setObjectName(QStringLiteral("createAccountPage"));
    setTitle(tr("Create your account"));
    setSubTitle(tr("Check the details, then create the account."));
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_summary->setTextFormat(Qt::PlainText);
    Style::status(m_status);
    m_status->setObjectName(QStringLiteral("createStatusLabel"));
    m_progress->setRange(0, 0);
    m_progress->setTextVisible(false);
    m_progress->setAccessibleName(tr("Creating your account"));
    m_progress->hide();
    m_restart->setObjectName(QStringLiteral("restartSignInButton"));
    m_restart->hide();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addStretch(1);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_restart, 0, Qt::AlignLeft);
    connect(m_restart, &QPushButton::clicked, this, &CreateAccountPage::restartRequested);
    connect(client, &OnboardingClient::submitted, this, &CreateAccountPage::onSubmitted);
}

void CreateAccountPage::initializePage()
{
    const OnboardingContext &c = m_client->context();
    QStringList lines{tr("Username: %1").arg(field(QLatin1String(WizardFields::Username)).toString()),
                      tr("Display name: %1").arg(field(QLatin1String(WizardFields::Name)).toString()),
                      tr("Email: %1").arg(c.email.isEmpty() ? tr("none") : c.email),
                      tr("Signs in with: %1").arg(c.provider)};
    m_summary->setText(lines.join(QLatin1Char('\n')));
    m_status->clear();
    m_restart->hide();
}

bool CreateAccountPage::isComplete() const
{
    return !m_client->isSubmitting();
}

int CreateAccountPage::nextId() const
{
    return m_linkOffered ? int(OnboardingWizard::LinkId) : -1;
}

bool CreateAccountPage::validatePage()
{
    if (m_created || m_linkOffered)
        return true;
    submit();
    return false; // the wizard stays until the server has answered
}

void CreateAccountPage::submit()
{
    m_restart->hide();
    m_status->setText(tr("Creating your account…"));
    m_progress->show();
    m_client->submit(field(QLatin1String(WizardFields::Username)).toString(),
                     field(QLatin1String(WizardFields::Name)).toString().simplified(),
                     field(QLatin1String(WizardFields::TermsVersion)).toString());
    Q_EMIT completeChanged();
}

void CreateAccountPage::showProblem(const QString &message, bool offerRestart)
{
    m_status->setText(message);
    m_restart->setVisible(offerRestart);
    if (offerRestart)
        m_restart->setFocus();
}

void CreateAccountPage::onSubmitted(OnboardingClient::Outcome outcome)
{
    using Outcome = OnboardingClient::Outcome;
    m_progress->hide();
    Q_EMIT completeChanged();
    switch (outcome) {
    case Outcome::Created:
        m_created = true;
        m_status->setText(tr("Your account is ready. Signing you in…"));
        return;
    case Outcome::UsernameTaken:
        Q_EMIT backToProfile(UsernameMessages::describe(UsernameRules::Reason::Taken), m_client->suggestions());
        return;
    case Outcome::InvalidUsername:
        Q_EMIT backToProfile(UsernameMessages::describeCode(m_client->usernameReason()), {});
        return;
    case Outcome::TermsNotAccepted:
        Q_EMIT backToTerms(tr("The terms have changed. Please review and agree to the current version."));
        return;
    case Outcome::EmailInUse: {
        if (m_client->linkAvailable()) {
            m_linkOffered = true;
            Q_EMIT linkOffered();
            return;
        }
        const QStringList providers = m_client->providers();
        showProblem(tr("An account with %1 already exists. Sign in with %2 instead: that is how you signed up "
                       "before.")
                        .arg(m_client->context().email,
                             providers.isEmpty() ? tr("the provider you used then") : providers.join(tr(" or "))),
                    true);
        return;
    }
    case Outcome::TokenInvalid:
    case Outcome::AlreadyCompleted:
        showProblem(tr("This registration is no longer valid (it expired, or the account was already created). "
                       "Sign in again to continue."),
                    true);
        return;
    case Outcome::RateLimited:
        showProblem(tr("Too many attempts. Wait %n second(s), then click Create account again.", nullptr,
                       m_client->retryAfter()),
                    false);
        return;
    case Outcome::NetworkFailure:
        showProblem(tr("The server could not be reached. Your choices are kept: click Create account to try "
                       "again."),
                    false);
        return;
    case Outcome::Failed:
        showProblem(tr("The account could not be created: %1").arg(ErrorMessages::sentence(m_client->lastError())),
                    true);
        return;
    }
}
