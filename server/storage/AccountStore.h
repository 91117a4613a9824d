#pragma once

#include "Account.h"

#include <QStringList>

#include <optional>

class Clock;
class Database;

// Accounts and their linked upstream identities. Callers that need several
// steps to be atomic (onboarding) wrap them in one Transaction.
class AccountStore
{
public:
    enum class CreateResult { Created, UsernameTaken, IdentityLinked, EmailInUse, Failed };

    AccountStore(Database &db, const Clock &clock);

    std::optional<Account> findById(const QString &id);
    std::optional<Account> findByIdentity(const UpstreamIdentity &identity);
    std::optional<Account> findByUsername(const QString &username);
    std::optional<Account> findByVerifiedEmail(const QString &email);
    bool isUsernameTaken(const QString &username);
    // Provider ids the account signs in with, e.g. {"google"}.
    QStringList providersOf(const QString &accountId);

    // Creates the account (a fresh id is assigned) with its first identity.
    // The unique indexes decide races: the loser gets the matching result.
    CreateResult create(Account &account, const UpstreamIdentity &identity);
    // Creates the account alone (seeds); a fresh id is assigned.
    CreateResult add(Account &account);
    bool link(const QString &accountId, const UpstreamIdentity &identity);

private:
    std::optional<Account> findOne(const QString &sql, const QVariantList &values);

    Database &m_db;
    const Clock &m_clock;
};
