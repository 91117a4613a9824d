#pragma once

#include "Account.h"
#include "Result.h"
#include "TokenStore.h"

class AccountStore;
class Clock;
class Database;

// What the onboard call asks for, once its token and proof are checked (PROTOCOL.md 6.4).
struct OnboardingRequest
{
    QString jti;
    QString idempotencyKey;
    qint64 expiresAt = 0; // the onboarding token's
    Account account;      // as wanted: username, name, email
    UpstreamIdentity identity;
    QString clientId;
    QString scope;
    qint64 authTime = 0;
};

struct Onboarded
{
    Account account;
    TokenFamily family;
    QByteArray refreshToken; // empty without offline_access
    bool replayed = false;   // the same Idempotency-Key again: the account existed
};

// Creating an account from an onboarding token, in one transaction that
// claims the token's jti first: a revocation (a replayed code) or another
// onboarding of the same token, at this instance or another, either lands
// before it and is seen, or waits for it and then finds the session it must
// revoke. The same Idempotency-Key again gets the same account with a fresh
// session, the lost one revoked.
class OnboardingStore
{
public:
    OnboardingStore(Database &db, const Clock &clock, AccountStore &accounts, TokenStore &tokens);

    // Errors: 401 invalid_token (reason "revoked"), 409
    // onboarding_already_completed, username_taken or email_in_use, 503.
    Result<Onboarded> onboard(const OnboardingRequest &request);

private:
    Result<Onboarded> onboardLocked(const OnboardingRequest &request);
    Result<Onboarded> create(const OnboardingRequest &request);
    ServerError clashOrLinked(const OnboardingRequest &request, const ServerError &clash);
    Result<Onboarded> replay(const OnboardingRequest &request, const OnboardingRecord &record);
    Result<Onboarded> startSession(const OnboardingRequest &request, const Account &account);
    Result<std::optional<OnboardingRecord>> claim(const OnboardingRequest &request);

    Database &m_db;
    const Clock &m_clock;
    AccountStore &m_accounts;
    TokenStore &m_tokens;
};
