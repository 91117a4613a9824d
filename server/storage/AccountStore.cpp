#include "AccountStore.h"

#include "Clock.h"
#include "Database.h"
#include "SecureRandom.h"

#include <QSqlQuery>

namespace {
const QString SelectAccount = QStringLiteral(
    "SELECT a.id, a.username, a.name, a.email, a.email_verified FROM accounts a ");
}

AccountStore::AccountStore(Database &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{
}

std::optional<Account> AccountStore::findOne(const QString &sql, const QVariantList &values)
{
    QSqlQuery &q = m_db.query(sql);
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    if (!q.exec() || !q.next())
        return std::nullopt;
    Account account{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                    q.value(4).toBool()};
    q.finish();
    return account;
}

std::optional<Account> AccountStore::findById(const QString &id)
{
    return findOne(SelectAccount + QStringLiteral("WHERE a.id = ?"), {id});
}

std::optional<Account> AccountStore::findByIdentity(const UpstreamIdentity &identity)
{
    return findOne(SelectAccount
                       + QStringLiteral("JOIN identities i ON i.account_id = a.id "
                                        "WHERE i.provider_id = ? AND i.provider_user_id = ?"),
                   {identity.providerId, identity.providerUserId});
}

std::optional<Account> AccountStore::findByUsername(const QString &username)
{
    return findOne(SelectAccount + QStringLiteral("WHERE a.username = ?"), {username});
}

std::optional<Account> AccountStore::findByVerifiedEmail(const QString &email)
{
    if (email.isEmpty())
        return std::nullopt;
    return findOne(SelectAccount + QStringLiteral("WHERE a.email = ? COLLATE NOCASE AND a.email_verified = 1"), {email});
}

bool AccountStore::isUsernameTaken(const QString &username)
{
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT 1 FROM accounts WHERE username = ?"));
    q.bindValue(0, username);
    const bool taken = q.exec() && q.next();
    q.finish();
    return taken;
}

QStringList AccountStore::providersOf(const QString &accountId)
{
    QSqlQuery &q = m_db.query(
        QStringLiteral("SELECT DISTINCT provider_id FROM identities WHERE account_id = ? ORDER BY provider_id"));
    q.bindValue(0, accountId);
    QStringList providers;
    if (q.exec()) {
        while (q.next())
            providers.append(q.value(0).toString());
    }
    return providers;
}

AccountStore::CreateResult AccountStore::create(Account &account, const UpstreamIdentity &identity)
{
    if (findByIdentity(identity))
        return CreateResult::IdentityLinked;
    const CreateResult result = add(account);
    if (result != CreateResult::Created)
        return result;
    if (link(account.id, identity))
        return CreateResult::Created;
    // Linked meanwhile, or the database could not be written.
    return findByIdentity(identity) ? CreateResult::IdentityLinked : CreateResult::Failed;
}

AccountStore::CreateResult AccountStore::add(Account &account)
{
    account.id = QString::fromLatin1(SecureRandom::token(16));
    QSqlQuery &q = m_db.query(QStringLiteral(
        "INSERT INTO accounts (id, username, name, email, email_verified, created_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING"));
    q.bindValue(0, account.id);
    q.bindValue(1, account.username);
    q.bindValue(2, account.name.isEmpty() ? QVariant() : QVariant(account.name));
    q.bindValue(3, account.email.isEmpty() ? QVariant() : QVariant(account.email));
    q.bindValue(4, account.emailVerified ? 1 : 0);
    q.bindValue(5, m_clock.now());
    // DO NOTHING rather than an error: PostgreSQL would end the whole
    // transaction at a failed statement. Against a concurrent insert it waits
    // for the other transaction, and the next statement sees its outcome.
    if (!m_db.run(q))
        return CreateResult::Failed;
    if (q.numRowsAffected() == 1)
        return CreateResult::Created;
    return isUsernameTaken(account.username) ? CreateResult::UsernameTaken : CreateResult::EmailInUse;
}

bool AccountStore::link(const QString &accountId, const UpstreamIdentity &identity)
{
    QSqlQuery &q = m_db.query(QStringLiteral("INSERT INTO identities (provider_id, provider_user_id, account_id, "
                                             "linked_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    q.bindValue(0, identity.providerId);
    q.bindValue(1, identity.providerUserId);
    q.bindValue(2, accountId);
    q.bindValue(3, m_clock.now());
    const bool linked = m_db.run(q) && q.numRowsAffected() == 1;
    q.finish();
    return linked;
}
