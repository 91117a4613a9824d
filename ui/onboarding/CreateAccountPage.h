#pragma once

#include "OnboardingClient.h"

#include <QWizardPage>

class QLabel;
class QProgressBar;
class QPushButton;

// A summary, then "Create account": progress while the onboard call runs,
// and an answer for every outcome. What needs another choice sends the
// person back to the page where it is made, with everything else kept.
class CreateAccountPage : public QWizardPage
{
    Q_OBJECT
public:
    CreateAccountPage(OnboardingClient *client, QWidget *parent = nullptr);

    void initializePage() override;
    bool validatePage() override;
    bool isComplete() const override;
    int nextId() const override;

Q_SIGNALS:
    void backToProfile(const QString &message, const QStringList &suggestions);
    void backToTerms(const QString &message);
    void restartRequested();
    // email_in_use, and the server offers to link: the wizard goes on to the link page.
    void linkOffered();

private:
    void submit();
    void onSubmitted(OnboardingClient::Outcome outcome);
    void showProblem(const QString &message, bool offerRestart);

    OnboardingClient *m_client;
    QLabel *m_summary;
    QLabel *m_status;
    QProgressBar *m_progress;
    QPushButton *m_restart;
    bool m_created = false;
    bool m_linkOffered = false;
};
