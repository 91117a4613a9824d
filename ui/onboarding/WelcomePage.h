#pragma once

#include "OnboardingContext.h"

#include <QWizardPage>

// "You signed in with GitHub as alice@example.com": who the provider says
// this is, and what happens next.
class WelcomePage : public QWizardPage
{
    Q_OBJECT
public:
    WelcomePage(const OnboardingContext &context, QWidget *parent = nullptr);
};
