#pragma once

#include "OnboardingClient.h"

#include <QObject>
#include <QPointer>

class Terminal;

// The registration wizard's steps in a terminal, with the same rules and
// server calls (OnboardingClient): the display name (prefilled), the
// username with the server's live check, its reasons and suggestions, the
// terms to read and accept (y/N), then the account. The states are listed
// in Step; each has one question.
class TerminalOnboarding : public QObject
{
    Q_OBJECT
public:
    enum class Step { Name, Username, Checking, Terms, Creating, Done };
    Q_ENUM(Step)

    TerminalOnboarding(OnboardingClient *client, QNetworkAccessManager *manager, Terminal *terminal,
                       QObject *parent = nullptr);
    void start();

Q_SIGNALS:
    // Created: the session goes on to sign in with the new account's tokens.
    void created();
    // Nothing was created; `why` has been said.
    void abandoned();

private:
    void askName();
    void askUsername();
    void checkUsername(const QString &username);
    void onChecked(const UsernameCheckJob::Result &result);
    void askTerms();
    void onTermsAnswer(const QString &answer);
    void onSubmitted(OnboardingClient::Outcome outcome);
    void offerSuggestions(const QStringList &suggestions);
    void giveUp(const QString &why);
    void enter(Step step);
    void answer(std::function<void(const QString &line)> then);

    QPointer<OnboardingClient> m_client;
    QNetworkAccessManager *m_manager;
    Terminal *m_terminal;
    Step m_step = Step::Name;
    QString m_name;
    QString m_username;
    QString m_suggested; // the answer Enter gives at the username question
    QString m_termsVersion;
    QMetaObject::Connection m_reading;
};
