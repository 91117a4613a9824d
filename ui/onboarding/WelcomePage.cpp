#include "WelcomePage.h"

#include "WrappingLabel.h"

#include <QLabel>
#include <QVBoxLayout>

WelcomePage::WelcomePage(const OnboardingContext &c, QWidget *parent)
    : QWizardPage(parent)
{
    setObjectName(QStringLiteral("welcomePage"));
    setTitle(tr("Create your Latchkey account"));
    const QString who = !c.email.isEmpty() ? c.email : !c.name.isEmpty() ? c.name : tr("a new account");
    auto *intro = new WrappingLabel(tr("You signed in with %1 as %2.").arg(c.provider, who), this);
    intro->setObjectName(QStringLiteral("welcomeIdentityLabel"));
    intro->setTextFormat(Qt::PlainText);
    auto *next
        = new WrappingLabel(c.termsOfService.isEmpty()
                                ? tr("This is your first time here. Next you choose your username and display name; "
                                     "then Latchkey creates your account and signs you in.")
                                : tr("This is your first time here. Next you choose your username and display name "
                                     "and review the terms of service; then Latchkey creates your account and signs "
                                     "you in."),
                            this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(next);
    layout->addStretch(1);
}
