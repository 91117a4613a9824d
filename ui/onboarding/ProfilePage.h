#pragma once

#include "UsernameCheckJob.h"

#include <QTimer>
#include <QWizardPage>

class OnboardingClient;
class QLabel;
class QLineEdit;
class QPushButton;

// Display name, email as the provider gave it, and the username: lowercased
// as typed, judged at once by the shared rules, then (after a short pause)
// checked for availability with clickable suggestions. Next only when the
// name is valid and free.
class ProfilePage : public QWizardPage
{
    Q_OBJECT
public:
    static constexpr int DebounceMs = 300;
    static constexpr int MaxSuggestions = 3;

    ProfilePage(OnboardingClient *client, QWidget *parent = nullptr);

    bool isComplete() const override;
    void initializePage() override;
    // The server's verdict after "Create account": shown here, nothing else changes.
    void showServerVerdict(const QString &message, const QStringList &suggestions);

private:
    enum class Check { None, Checking, Available, Unavailable, Unknown };

    void onUsernameEdited(const QString &text);
    void startCheck();
    void onChecked(const UsernameCheckJob::Result &result);
    void onCheckFailed(const QString &username, const ClientError &error);
    void showStatus(Check check, const QString &text, const QStringList &suggestions = {});

    OnboardingClient *m_client;
    QLineEdit *m_name;
    QLineEdit *m_username;
    QLabel *m_status;
    QLabel *m_suggestionsLabel;
    QList<QPushButton *> m_suggestions;
    QTimer m_debounce;
    Check m_check = Check::None;
    QString m_checkedUsername;
};
