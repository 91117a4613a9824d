#include "LinkStore.h"
#include "ClaimNames.h"

#include "AccountStore.h"
#include "Clock.h"
#include "Database.h"
#include "SecureRandom.h"
#include "SqlRow.h"

#include <QCryptographicHash>

namespace {
constexpr int LinkIdBytes = 24; // 192 bits

const QString SelectLink = QStringLiteral(
    "SELECT kind, client_id, account_id, provider_id, upstream_issuer, provider_user_id, email, onboarding_jti, "
    "onboarding_expires_at, expires_at FROM link_requests WHERE id_hash = ?");

QByteArray hashOf(const QByteArray &linkId)
{
    return QCryptographicHash::hash(linkId, QCryptographicHash::Sha256);
}

QVariant orNull(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

ServerError notSaved()
{
    return ServerError::unavailable(QStringLiteral("The link could not be saved; try again."));
}

ServerError notRead()
{
    return ServerError::unavailable(QStringLiteral("The link could not be read; try again."));
}

LinkRequest linkFrom(const SqlRow &row)
{
    LinkRequest link;
    link.kind = row.text("kind") == QLatin1String("add") ? LinkRequest::Kind::Add : LinkRequest::Kind::Pending;
    link.clientId = row.text("client_id");
    link.accountId = row.text("account_id");
    // One column: the provider to sign in at (add), or the pending identity's key.
    if (link.kind == LinkRequest::Kind::Add)
        link.providerId = row.text("provider_id");
    else
        link.identity = {row.text("provider_id"), row.text("provider_user_id"), row.text("upstream_issuer")};
    link.email = row.text("email");
    link.onboardingJti = row.text("onboarding_jti");
    link.onboardingExpiresAt = row.number("onboarding_expires_at");
    link.expiresAt = row.number("expires_at");
    return link;
}

std::optional<QByteArray> failed(const char *why)
{
    return QByteArray(why);
}
} // namespace

LinkStore::LinkStore(Database &db, const Clock &clock, AccountStore &accounts)
    : m_db(db)
    , m_clock(clock)
    , m_accounts(accounts)
{
}

Result<QByteArray> LinkStore::create(const LinkRequest &r)
{
    const QByteArray linkId = SecureRandom::token(LinkIdBytes);
    const qint64 now = m_clock.now();
    const bool pending = r.kind == LinkRequest::Kind::Pending;
    if (!m_db.exec(QStringLiteral("INSERT INTO link_requests (id_hash, kind, client_id, account_id, provider_id, "
                                  "upstream_issuer, provider_user_id, email, onboarding_jti, onboarding_expires_at, "
                                  "created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"),
                   {hashOf(linkId), pending ? QStringLiteral("pending") : QStringLiteral("add"), r.clientId,
                    r.accountId, pending ? r.identity.providerId : r.providerId,
                    pending ? QVariant(r.identity.upstreamIssuer) : QVariant(), orNull(r.identity.providerUserId),
                    orNull(r.email), orNull(r.onboardingJti), pending ? QVariant(r.onboardingExpiresAt) : QVariant(),
                    now, now + Lifetime}))
        return notSaved();
    return linkId;
}

Result<std::optional<LinkRequest>> LinkStore::take(const QByteArray &linkId, const QString &clientId,
                                                   const QByteArray &request, QString *key)
{
    const QByteArray hash = hashOf(linkId);
    const QByteArray taker = hashOf(request);
    // One conditional write: of two sign-ins presenting it, at any instances,
    // one takes it; the same authorization request again takes it again.
    QSqlQuery &q = m_db.query(QStringLiteral("UPDATE link_requests SET used_at = ?, taken_by = ? WHERE id_hash = ? "
                                             "AND (used_at IS NULL OR taken_by = ?) AND expires_at >= ? AND "
                                             "client_id = ?"));
    q.bindValue(0, m_clock.now());
    q.bindValue(1, taker);
    q.bindValue(2, hash);
    q.bindValue(3, taker);
    q.bindValue(4, m_clock.now());
    q.bindValue(5, clientId);
    if (!m_db.run(q))
        return notSaved();
    if (q.numRowsAffected() != 1)
        return std::optional<LinkRequest>();
    *key = QString::fromLatin1(hash.toHex());
    return find(*key);
}

Result<std::optional<LinkRequest>> LinkStore::find(const QString &key)
{
    QSqlQuery &q = m_db.query(SelectLink);
    q.bindValue(0, QByteArray::fromHex(key.toLatin1()));
    if (!m_db.run(q))
        return notRead();
    std::optional<LinkRequest> link;
    if (q.next())
        link = linkFrom(SqlRow(q));
    q.finish();
    return link;
}

Result<std::optional<QByteArray>> LinkStore::complete(const LinkRequest &link, const UpstreamIdentity &proved,
                                                      const QString &provedEmail, const Issue &issue)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return notSaved();
    const auto outcome = completeLocked(link, proved, provedEmail);
    if (!outcome || *outcome)
        return outcome; // rolled back: nothing was linked
    if (auto issued = issue(); !issued)
        return issued.error();
    if (!transaction.commit())
        return notSaved();
    return outcome;
}

Result<std::optional<QByteArray>> LinkStore::completeLocked(const LinkRequest &link, const UpstreamIdentity &proved,
                                                            const QString &provedEmail)
{
    if (link.kind == LinkRequest::Kind::Pending)
        return linkPending(link, proved);
    return linkAdded(link, proved, provedEmail);
}

// The person signed in at the account that holds the email: the pending
// identity joins it, and the onboarding token is spent, as by an onboarding.
Result<std::optional<QByteArray>> LinkStore::linkPending(const LinkRequest &link, const UpstreamIdentity &proved)
{
    const auto owner = m_accounts.findByIdentity(proved);
    if (!owner)
        return owner.error();
    if (!*owner)
        return failed(LinkFailure::NoAccount);
    if ((*owner)->id != link.accountId)
        return failed(LinkFailure::OtherAccount);
    // Waits for a concurrent onboarding or link of the same token (PostgreSQL),
    // or is serialised behind it (SQLite): of the two, one spends the jti.
    QSqlQuery &q = m_db.query(QStringLiteral("INSERT INTO onboardings (jti, idempotency_key, expires_at, account_id, "
                                             "completed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (jti) DO NOTHING"));
    q.bindValue(0, link.onboardingJti);
    q.bindValue(1, QStringLiteral("link"));
    q.bindValue(2, link.onboardingExpiresAt);
    q.bindValue(3, link.accountId);
    q.bindValue(4, m_clock.now());
    if (!m_db.run(q))
        return notSaved();
    if (q.numRowsAffected() != 1)
        return failed(LinkFailure::Expired);
    return attach(link.accountId, link.identity, link.email);
}

// The person proved an identity to add to their account.
Result<std::optional<QByteArray>> LinkStore::linkAdded(const LinkRequest &link, const UpstreamIdentity &proved,
                                                       const QString &provedEmail)
{
    const auto owner = m_accounts.findByIdentity(proved);
    if (!owner)
        return owner.error();
    if (*owner)
        return (*owner)->id == link.accountId ? std::optional<QByteArray>() : failed(LinkFailure::OtherAccount);
    return attach(link.accountId, proved, provedEmail);
}

Result<std::optional<QByteArray>> LinkStore::attach(const QString &accountId, const UpstreamIdentity &identity,
                                                    const QString &email)
{
    const auto linked = m_accounts.link(accountId, identity, email);
    if (!linked)
        return linked.error();
    if (*linked)
        return std::optional<QByteArray>();
    // Linked meanwhile (a concurrent link or onboarding committed first).
    const auto owner = m_accounts.findByIdentity(identity);
    if (!owner)
        return owner.error();
    return *owner && (*owner)->id == accountId ? std::optional<QByteArray>() : failed(LinkFailure::OtherAccount);
}
