#pragma once

#include "ClientError.h"
#include "OnboardingContext.h"
#include "PendingLink.h"
#include "TokenResponse.h"
#include "UsernameCheckJob.h"
#include "UsernameRules.h"

#include <QObject>
#include <QPointer>

class LinkRequestJob;
class OnboardJob;
class QNetworkAccessManager;

// Everything the registration wizard does over the network: live username
// checks (a new query cancels the stale one) and the onboard call, with one
// Idempotency-Key for the whole wizard and one automatic retry when the
// network fails. Outcomes are typed, one per row of PROTOCOL.md 6.4.
class OnboardingClient : public QObject
{
    Q_OBJECT
public:
    enum class Outcome {
        Created,
        UsernameTaken,    // suggestions()
        InvalidUsername,  // usernameReason()
        TermsNotAccepted, // termsVersion()
        TokenInvalid,     // expired, proof...: restart sign-in
        AlreadyCompleted, // restart sign-in: the identity is linked now
        EmailInUse,       // providers()
        RateLimited,      // retryAfter()
        NetworkFailure,   // retry keeps everything
        Failed,
    };
    Q_ENUM(Outcome)

    OnboardingClient(QNetworkAccessManager *manager, const OnboardingContext &context, const QString &clientId,
                     QObject *parent = nullptr);

    const OnboardingContext &context() const { return m_context; }
    QString idempotencyKey() const { return m_idempotencyKey; }

    // Instant local verdict with the shared rules.
    static UsernameRules::Reason checkLocally(const QString &username) { return UsernameRules::check(username); }
    void checkUsername(const QString &username);
    void submit(const QString &username, const QString &name, const QString &acceptedTerms);
    bool isSubmitting() const;

    // Details of the last outcome.
    const ClientError &lastError() const { return m_lastError; }
    QStringList suggestions() const;
    QString usernameReason() const;
    QString termsVersion() const;
    QStringList providers() const;
    int retryAfter() const { return m_lastError.retryAfter; }

    // After EmailInUse: the server offers to link this sign-in to the
    // account that holds the email (PROTOCOL.md 6.5).
    bool linkAvailable() const;
    // POST link-request with the onboarding token and the verifier; the
    // answer comes with linkRequestFinished().
    void requestLink();
    void cancelLinkRequest();
    bool isRequestingLink() const;

Q_SIGNALS:
    void usernameChecked(const UsernameCheckJob::Result &result);
    void usernameCheckFailed(const QString &username, const ClientError &error);
    // On Created, `tokens` holds the new account's tokens.
    void submitted(OnboardingClient::Outcome outcome, const TokenResponse &tokens);
    // `error` ok: `link` holds the link_id and where the account signs in.
    void linkRequestFinished(const PendingLink &link, const ClientError &error);

private:
    void startOnboard(const QString &username, const QString &name, const QString &acceptedTerms, bool isRetry);
    static Outcome outcomeFor(const ClientError &error);

    QNetworkAccessManager *m_manager;
    OnboardingContext m_context;
    QString m_clientId;
    QString m_idempotencyKey;
    QPointer<UsernameCheckJob> m_check;
    QPointer<OnboardJob> m_onboard;
    QPointer<LinkRequestJob> m_linkRequest;
    ClientError m_lastError;
};
