#pragma once

#include "PendingLink.h"

#include <QWizard>

#include <functional>

class CreateAccountPage;
class LinkAccountPage;
class OnboardingClient;
class ProfilePage;
class QNetworkAccessManager;
class TermsPage;

// The registration wizard: welcome, profile, terms (when the server has
// any), create. Thin on purpose: the pages do the work; this only moves
// between them and asks before throwing a registration away.
class OnboardingWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { WelcomeId, ProfileId, TermsId, CreateId, LinkId };

    OnboardingWizard(OnboardingClient *client, QNetworkAccessManager *manager, std::function<qint64()> clock,
                     QWidget *parent = nullptr);

    // Asks for confirmation; the registration is discarded only on yes.
    void reject() override;
    // Closes without asking (the session moved on).
    void dismiss();

Q_SIGNALS:
    void cancelled();
    void restartRequested();
    void linkReady(const PendingLink &link);
    void signInInsteadRequested(const QString &provider);

private:
    void goBackTo(int id);
    void keepKeyboardFocus();

    ProfilePage *m_profile;
    TermsPage *m_terms = nullptr;
    CreateAccountPage *m_create;
    LinkAccountPage *m_link = nullptr;
};
