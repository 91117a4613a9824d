#include "AccountStore.h"

#include "Clock.h"
#include "Database.h"
#include "SecureRandom.h"

#include <QSqlError>

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
    Account account{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                    q.value(3).toString(), q.value(4).toBool()};
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
    return findOne(SelectAccount + QStringLiteral("WHERE a.email = ? COLLATE NOCASE AND a.email_verified = 1"),
                   {email});
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
        "INSERT INTO accounts (id, username, name, email, email_verified, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
    q.bindValue(0, account.id);
    q.bindValue(1, account.username);
    q.bindValue(2, account.name.isEmpty() ? QVariant() : QVariant(account.name));
    q.bindValue(3, account.email.isEmpty() ? QVariant() : QVariant(account.email));
    q.bindValue(4, account.emailVerified ? 1 : 0);
    q.bindValue(5, m_clock.now());
    if (m_db.run(q))
        return CreateResult::Created;
    const QString message = q.lastError().databaseText();
    if (message.contains(QLatin1String("accounts.username")))
        return CreateResult::UsernameTaken;
    if (message.contains(QLatin1String("accounts.email")))
        return CreateResult::EmailInUse;
    return CreateResult::Failed;
}

bool AccountStore::link(const QString &accountId, const UpstreamIdentity &identity)
{
    return m_db.exec(QStringLiteral("INSERT INTO identities (provider_id, provider_user_id, account_id, linked_at) "
                                    "VALUES (?, ?, ?, ?)"),
                     {identity.providerId, identity.providerUserId, accountId, m_clock.now()});
}
