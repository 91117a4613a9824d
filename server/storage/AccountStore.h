#pragma once

#include "Account.h"
#include "Result.h"

#include <QStringList>

#include <optional>

class Clock;
class Database;

// Accounts and their linked upstream identities. Finders answer nullopt for
// "not there" and an error (503) only when the database could not be read.
// Several steps that must be atomic (onboarding) are OnboardingStore's.
class AccountStore
{
public:
    AccountStore(Database &db, const Clock &clock);

    Result<std::optional<Account>> findById(const QString &id);
    Result<std::optional<Account>> findByIdentity(const UpstreamIdentity &identity);
    Result<std::optional<Account>> findByUsername(const QString &username);
    Result<std::optional<Account>> findByVerifiedEmail(const QString &email);
    Result<bool> isUsernameTaken(const QString &username);
    // Provider ids the account signs in with, e.g. {"google"}.
    Result<QStringList> providersOf(const QString &accountId);

    // Creates the account (a fresh id is assigned). The unique indexes decide
    // races: the loser gets 409 username_taken or email_in_use.
    Result<Account> add(const Account &account);
    // False when the identity is linked already (to any account).
    Result<bool> link(const QString &accountId, const UpstreamIdentity &identity);

private:
    Result<std::optional<Account>> findOne(const QString &sql, const QVariantList &values);

    Database &m_db;
    const Clock &m_clock;
};
