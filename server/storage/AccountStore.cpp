#include "AccountStore.h"

#include "Clock.h"
#include "Database.h"
#include "EmailKey.h"
#include "ErrorCodes.h"
#include "SecureRandom.h"
#include "SqlDialect.h"
#include "SqlRow.h"

namespace {
const QString SelectAccount = QStringLiteral(
    "SELECT a.id, a.username, a.name, a.email, a.email_verified FROM accounts a ");

ServerError notRead()
{
    return ServerError::unavailable(QStringLiteral("The account could not be read; try again."));
}

ServerError notSaved()
{
    return ServerError::unavailable(QStringLiteral("The account could not be saved; try again."));
}
} // namespace

AccountStore::AccountStore(Database &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{
}

Result<std::optional<Account>> AccountStore::findOne(const QString &sql, const QVariantList &values)
{
    QSqlQuery &q = m_db.query(sql);
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    if (!m_db.run(q))
        return notRead();
    std::optional<Account> account;
    if (q.next()) {
        const SqlRow row(q);
        account = Account{row.text("id"), row.text("username"), row.text("name"), row.text("email"),
                          row["email_verified"].toBool()};
    }
    q.finish();
    return account;
}

Result<std::optional<Account>> AccountStore::findById(const QString &id)
{
    return findOne(SelectAccount + QStringLiteral("WHERE a.id = ?"), {id});
}

Result<std::optional<Account>> AccountStore::findByIdentity(const UpstreamIdentity &identity)
{
    return findOne(SelectAccount
                       + QStringLiteral("JOIN identities i ON i.account_id = a.id "
                                        "WHERE i.provider_id = ? AND i.upstream_issuer = ? AND i.provider_user_id = ?"),
                   {identity.providerId, identity.upstreamIssuer.isNull() ? QStringLiteral("") : identity.upstreamIssuer,
                    identity.providerUserId});
}

Result<std::optional<Account>> AccountStore::findByUsername(const QString &username)
{
    return findOne(SelectAccount + QStringLiteral("WHERE a.username = ?"), {username});
}

Result<std::optional<Account>> AccountStore::findByVerifiedEmail(const QString &email)
{
    if (email.isEmpty())
        return std::optional<Account>();
    return findOne(SelectAccount + QStringLiteral("WHERE a.email_key = ? AND a.email_verified = 1"),
                   {EmailKey::of(email)});
}

Result<bool> AccountStore::isUsernameTaken(const QString &username)
{
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT 1 FROM accounts WHERE username = ?"));
    q.bindValue(0, username);
    if (!m_db.run(q))
        return notRead();
    const bool taken = q.next();
    q.finish();
    return taken;
}

Result<QList<LinkedIdentity>> AccountStore::identitiesOf(const QString &accountId)
{
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT provider_id, upstream_issuer, provider_user_id, email, linked_at "
                                             "FROM identities WHERE account_id = ? ORDER BY linked_at, provider_id"));
    q.bindValue(0, accountId);
    if (!m_db.run(q))
        return notRead();
    QList<LinkedIdentity> identities;
    while (q.next()) {
        const SqlRow row(q);
        identities.append({{row.text("provider_id"), row.text("provider_user_id"), row.text("upstream_issuer")},
                           row.text("email"),
                           row.number("linked_at")});
    }
    return identities;
}

Result<AccountStore::Unlink> AccountStore::unlink(const QString &accountId, const std::pair<QString, QString> &provider,
                                                  const QList<std::pair<QString, QString>> &usable)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return notSaved();
    const auto unlinked = unlinkLocked(accountId, provider, usable);
    if (unlinked && *unlinked == Unlink::Removed && !transaction.commit())
        return notSaved();
    return unlinked;
}

Result<AccountStore::Unlink> AccountStore::unlinkLocked(const QString &accountId,
                                                        const std::pair<QString, QString> &provider,
                                                        const QList<std::pair<QString, QString>> &usable)
{
    QSqlQuery &lock = m_db.query(QStringLiteral("SELECT id FROM accounts WHERE id = ?") + m_db.dialect().lockRow());
    lock.bindValue(0, accountId);
    if (!m_db.run(lock))
        return notRead();
    const bool exists = lock.next();
    lock.finish();
    if (!exists)
        return Unlink::NotLinked;
    const auto identities = identitiesOf(accountId);
    if (!identities)
        return identities.error();
    bool linked = false;
    int others = 0;
    for (const LinkedIdentity &l : *identities) {
        const std::pair<QString, QString> key{l.identity.providerId, l.identity.upstreamIssuer};
        if (key == provider)
            linked = true;
        else if (usable.contains(key))
            ++others;
    }
    if (!linked)
        return Unlink::NotLinked;
    if (others == 0)
        return Unlink::LastIdentity;
    if (!m_db.exec(QStringLiteral("DELETE FROM identities WHERE account_id = ? AND provider_id = ? AND "
                                  "upstream_issuer = ?"),
                   {accountId, provider.first, provider.second}))
        return notSaved();
    return Unlink::Removed;
}

Result<int> AccountStore::adoptUpstreamIssuers(const QList<std::pair<QString, QString>> &issuerByKey)
{
    int adopted = 0;
    for (const auto &[key, issuer] : issuerByKey) {
        QSqlQuery &q = m_db.query(
            QStringLiteral("UPDATE identities SET upstream_issuer = ? WHERE provider_id = ? AND upstream_issuer = ''"));
        q.bindValue(0, issuer);
        q.bindValue(1, key);
        if (!m_db.run(q))
            return notSaved();
        adopted += q.numRowsAffected();
    }
    return adopted;
}

Result<Account> AccountStore::add(const Account &wanted)
{
    Account account = wanted;
    account.id = QString::fromLatin1(SecureRandom::token(16));
    QSqlQuery &q = m_db.query(
        QStringLiteral("INSERT INTO accounts (id, username, name, email, email_key, email_verified, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    q.bindValue(0, account.id);
    q.bindValue(1, account.username);
    q.bindValue(2, account.name.isEmpty() ? QVariant() : QVariant(account.name));
    q.bindValue(3, account.email.isEmpty() ? QVariant() : QVariant(account.email));
    q.bindValue(4, account.email.isEmpty() ? QVariant() : QVariant(EmailKey::of(account.email)));
    q.bindValue(5, account.emailVerified ? 1 : 0);
    q.bindValue(6, m_clock.now());
    // DO NOTHING rather than an error: PostgreSQL would end the whole
    // transaction at a failed statement. Against a concurrent insert it waits
    // for the other transaction, and the next statement sees its outcome.
    if (!m_db.run(q))
        return notSaved();
    if (q.numRowsAffected() == 1)
        return account;
    const auto taken = isUsernameTaken(account.username);
    if (!taken)
        return taken.error();
    if (*taken)
        return ServerError{ErrorCode::UsernameTaken, QStringLiteral("This username is taken."), 409};
    return ServerError{ErrorCode::EmailInUse,
                       QStringLiteral("Another account already uses this email. Sign in with the provider you used "
                                      "for it."),
                       409};
}

Result<bool> AccountStore::link(const QString &accountId, const UpstreamIdentity &identity, const QString &email)
{
    QSqlQuery &q = m_db.query(QStringLiteral("INSERT INTO identities (provider_id, upstream_issuer, provider_user_id, "
                                             "account_id, email, linked_at) VALUES (?, ?, ?, ?, ?, ?) "
                                             "ON CONFLICT DO NOTHING"));
    q.bindValue(0, identity.providerId);
    q.bindValue(1, identity.upstreamIssuer.isNull() ? QStringLiteral("") : identity.upstreamIssuer);
    q.bindValue(2, identity.providerUserId);
    q.bindValue(3, accountId);
    q.bindValue(4, email.isEmpty() ? QVariant() : QVariant(email));
    q.bindValue(5, m_clock.now());
    if (!m_db.run(q))
        return notSaved();
    const bool linked = q.numRowsAffected() == 1;
    q.finish();
    return linked;
}
