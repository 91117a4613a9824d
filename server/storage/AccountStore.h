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
    // The identities linked to the account, oldest first.
    Result<QList<LinkedIdentity>> identitiesOf(const QString &accountId);

    // Creates the account (a fresh id is assigned). The unique indexes decide
    // races: the loser gets 409 username_taken or email_in_use.
    Result<Account> add(const Account &account);
    // False when the identity is linked already (to any account). `email`:
    // the one the provider gave with it, shown in the account's sign-in methods.
    Result<bool> link(const QString &accountId, const UpstreamIdentity &identity, const QString &email = {});
    enum class Unlink { Removed, NotLinked, LastIdentity };
    // Removes the account's identities of `provider` (its key and issuer),
    // unless none of the others is `usable` (key, issuer pairs that can sign
    // in today): one transaction with the account locked, so two removals at
    // once cannot take the last two.
    Result<Unlink> unlink(const QString &accountId, const std::pair<QString, QString> &provider,
                          const QList<std::pair<QString, QString>> &usable);
    // Gives identities stored before they recorded their issuer (schema 7)
    // the issuer their provider key has today; returns how many.
    Result<int> adoptUpstreamIssuers(const QList<std::pair<QString, QString>> &issuerByKey);

private:
    Result<Unlink> unlinkLocked(const QString &accountId, const std::pair<QString, QString> &provider,
                                const QList<std::pair<QString, QString>> &usable);
    Result<std::optional<Account>> findOne(const QString &sql, const QVariantList &values);

    Database &m_db;
    const Clock &m_clock;
};
