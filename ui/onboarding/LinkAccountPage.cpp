#include "LinkAccountPage.h"

#include "ErrorMessages.h"
#include "OnboardingClient.h"
#include "Style.h"
#include "WrappingLabel.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

LinkAccountPage::LinkAccountPage(OnboardingClient *client, QWidget *parent)
    : QWizardPage(parent)
    , m_client(client)
    , m_explanation(new WrappingLabel(this))
    , m_status(new WrappingLabel(this))
    , m_progress(new QProgressBar(this))
    , m_signInInstead(new QPushButton(this))
    , m_restart(new QPushButton(tr("&Sign in again"), this))
{
    setObjectName(QStringLiteral("linkAccountPage"));
    setTitle(tr("You already have an account"));
    m_explanation->setObjectName(QStringLiteral("linkExplanationLabel"));
    m_explanation->setTextFormat(Qt::PlainText);
    Style::status(m_status);
    m_status->setObjectName(QStringLiteral("linkStatusLabel"));
    m_progress->setObjectName(QStringLiteral("linkProgress"));
    m_progress->setRange(0, 0);
    m_progress->setTextVisible(false);
    m_progress->setAccessibleName(tr("Preparing the link"));
    m_progress->hide();
    m_signInInstead->setObjectName(QStringLiteral("signInInsteadButton"));
    m_restart->setObjectName(QStringLiteral("linkRestartButton"));
    m_restart->hide();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_explanation);
    layout->addWidget(m_signInInstead, 0, Qt::AlignLeft);
    layout->addStretch(1);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_restart, 0, Qt::AlignLeft);
    connect(m_signInInstead, &QPushButton::clicked, this,
            [this] { Q_EMIT signInInsteadRequested(m_client->providers().value(0)); });
    connect(m_restart, &QPushButton::clicked, this, &LinkAccountPage::restartRequested);
    connect(client, &OnboardingClient::linkRequestFinished, this, &LinkAccountPage::onLinkRequestFinished);
}

void LinkAccountPage::initializePage()
{
    const OnboardingContext &c = m_client->context();
    const QStringList providers = m_client->providers();
    const QString first = providers.isEmpty() ? tr("the provider you signed up with") : providers.first();
    const QString account = providers.isEmpty() ? first : providers.join(tr(" or "));
    m_explanation->setText(
        tr("%1 is already used by your Latchkey account, which you sign in to with %2.\n\n"
           "Link %3 to it, and you can sign in to that account with %3 too. To prove the account is yours, you "
           "sign in with %4 once more in your browser.")
            .arg(c.email.isEmpty() ? tr("This email address") : c.email, account, c.provider, first));
    setButtonText(QWizard::FinishButton, tr("&Link %1 to it").arg(c.provider));
    m_signInInstead->setText(tr("Sign in with %1 &instead").arg(first));
    m_signInInstead->setVisible(!providers.isEmpty());
    m_status->clear();
    m_restart->hide();
}

bool LinkAccountPage::isComplete() const
{
    return !m_client->isRequestingLink();
}

bool LinkAccountPage::validatePage()
{
    m_restart->hide();
    m_status->setText(tr("Preparing the link…"));
    m_progress->show();
    m_client->requestLink();
    Q_EMIT completeChanged();
    return false; // the session takes over once the server has answered
}

void LinkAccountPage::onLinkRequestFinished(const PendingLink &link, const ClientError &error)
{
    m_progress->hide();
    Q_EMIT completeChanged();
    if (error.ok()) {
        m_status->setText(tr("Continue in your browser."));
        Q_EMIT linkReady(link);
        return;
    }
    if (error.code == ClientError::Code::Cancelled) {
        m_status->clear();
        return;
    }
    const bool expired = ErrorMessages::linkRequestExpired(error);
    m_status->setText(ErrorMessages::linkRequestProblem(error));
    m_restart->setVisible(expired);
    if (expired)
        m_restart->setFocus();
}
