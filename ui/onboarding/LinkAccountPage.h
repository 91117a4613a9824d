#pragma once

#include "ClientError.h"
#include "PendingLink.h"

#include <QWizardPage>

class OnboardingClient;
class QLabel;
class QProgressBar;
class QPushButton;

// After email_in_use with link_available (PROTOCOL.md 6.5): says which
// account uses the address and where it signs in, and offers to link the
// provider just used to it (the wizard's Finish button, "Link Google to
// it") or to sign in with the account's provider instead. Linking first
// asks the server for a link_id (progress here, cancellable with the
// wizard), then hands it on: the browser sign-in at the account's
// provider is the session's.
class LinkAccountPage : public QWizardPage
{
    Q_OBJECT
public:
    LinkAccountPage(OnboardingClient *client, QWidget *parent = nullptr);

    void initializePage() override;
    bool validatePage() override;
    bool isComplete() const override;

Q_SIGNALS:
    // The link_id is there: sign in at the account's provider with it.
    void linkReady(const PendingLink &link);
    // "Sign in with GitHub instead": `provider` is the name the server gave.
    void signInInsteadRequested(const QString &provider);
    void restartRequested();

private:
    void onLinkRequestFinished(const PendingLink &link, const ClientError &error);

    OnboardingClient *m_client;
    QLabel *m_explanation;
    QLabel *m_status;
    QProgressBar *m_progress;
    QPushButton *m_signInInstead;
    QPushButton *m_restart;
};
