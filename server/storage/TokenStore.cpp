#include "TokenStore.h"
#include "ServerLogging.h"

#include "Clock.h"
#include "Database.h"
#include "Protocol.h"
#include "SecureRandom.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QSqlQuery>


namespace {
constexpr int CodeBytes = 32;         // 256 bits
constexpr int RefreshTokenBytes = 32; // 256 bits
} // namespace

TokenStore::TokenStore(Database &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{
}

QByteArray TokenStore::hash(const QByteArray &secret)
{
    return QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
}

QByteArray TokenStore::createCode(const AuthorizationGrant &g)
{
    const QByteArray code = SecureRandom::token(CodeBytes);
    const qint64 now = m_clock.now();
    const bool saved = m_db.exec(
        QStringLiteral("INSERT INTO authorization_codes (code_hash, client_id, redirect_uri, code_challenge, "
                       "nonce, scope, provider_id, provider_user_id, email, email_verified, name, "
                       "upstream_username, auth_time, expires_at, qa_fault) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
        {hash(code), g.clientId, g.redirectUri, g.codeChallenge, g.nonce, g.scope, g.identity.providerId,
         g.identity.providerUserId, g.email, g.emailVerified ? 1 : 0, g.name, g.upstreamUsername, g.authTime,
         now + Protocol::AuthorizationCodeLifetimeSeconds, g.qaFault.isEmpty() ? QVariant() : QVariant(g.qaFault)});
    return saved ? code : QByteArray();
}

TokenStore::CodeOutcome TokenStore::redeemCode(const QByteArray &code, AuthorizationGrant *g)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return CodeOutcome::Failed;
    // Locked: the same code presented to another instance waits, then sees it used.
    QSqlQuery &q = m_db.query(
        QStringLiteral("SELECT client_id, redirect_uri, code_challenge, nonce, scope, provider_id, provider_user_id, "
                       "email, email_verified, name, upstream_username, auth_time, expires_at, used_at, family_id, "
                       "onboarding_jti, qa_fault FROM authorization_codes WHERE code_hash = ?")
        + m_db.dialect().lockRow());
    q.bindValue(0, hash(code));
    // A read that failed (a lost database connection) is no verdict on the code.
    if (!m_db.run(q))
        return CodeOutcome::Failed;
    if (!q.next())
        return CodeOutcome::Unknown;
    *g = AuthorizationGrant{q.value(0).toString(),    q.value(1).toString(),
                            q.value(2).toString(),    q.value(3).toString(),
                            q.value(4).toString(),    {q.value(5).toString(), q.value(6).toString()},
                            q.value(7).toString(),    q.value(8).toBool(),
                            q.value(9).toString(),    q.value(10).toString(),
                            q.value(11).toLongLong(), q.value(16).toString()};
    const qint64 expiresAt = q.value(12).toLongLong();
    const bool used = !q.value(13).isNull();
    const QString familyId = q.value(14).toString();
    const QString onboardingJti = q.value(15).toString();
    q.finish();
    if (used) {
        bool revoked = familyId.isEmpty() || revokeFamily(familyId);
        if (!onboardingJti.isEmpty()) {
            // The code issued the onboarding token, and that the session it created.
            if (const auto record = onboarding(onboardingJti); record && !record->familyId.isEmpty())
                revoked = revokeFamily(record->familyId) && revoked;
            revoked = revokeOnboarding(onboardingJti, m_clock.now() + Protocol::OnboardingTokenLifetimeSeconds)
                && revoked;
        }
        // Unless the revocation is saved, the replay must be answered as a failure and retried.
        return revoked && transaction.commit() ? CodeOutcome::AlreadyUsed : CodeOutcome::Failed;
    }
    if (expiresAt < m_clock.now())
        return CodeOutcome::Expired;
    if (!m_db.exec(QStringLiteral("UPDATE authorization_codes SET used_at = ? WHERE code_hash = ?"),
                   {m_clock.now(), hash(code)})
        || !transaction.commit())
        return CodeOutcome::Failed;
    return CodeOutcome::Valid;
}

bool TokenStore::recordCodeResult(const QByteArray &code, const QString &familyId, const QString &onboardingJti)
{
    return m_db.exec(QStringLiteral(
                         "UPDATE authorization_codes SET family_id = ?, onboarding_jti = ? WHERE code_hash = ?"),
                     {familyId.isEmpty() ? QVariant() : familyId, onboardingJti.isEmpty() ? QVariant() : onboardingJti,
                      hash(code)});
}

QByteArray TokenStore::newRefreshToken(const QString &familyId)
{
    return familyId.toLatin1() + '.' + SecureRandom::token(RefreshTokenBytes);
}

std::optional<TokenFamily> TokenStore::createFamily(const QString &accountId, const QString &clientId,
                                                    const QString &scope, qint64 authTime, QByteArray *refreshToken)
{
    const TokenFamily family{QString::fromLatin1(SecureRandom::token(16)),
                             QString::fromLatin1(SecureRandom::token(16)),
                             accountId,
                             clientId,
                             scope,
                             authTime};
    const qint64 now = m_clock.now();
    QVariant refreshHash;
    QVariant refreshExpiry;
    if (refreshToken) {
        *refreshToken = newRefreshToken(family.id);
        refreshHash = hash(*refreshToken);
        refreshExpiry = now + Protocol::RefreshTokenIdleLifetimeSeconds;
    }
    if (!m_db.exec(QStringLiteral("INSERT INTO token_families (id, session_id, account_id, client_id, scope, "
                                  "auth_time, created_at, refresh_hash, refresh_expires_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                   {family.id, family.sessionId, accountId, clientId, scope, authTime, now, refreshHash, refreshExpiry}))
        return std::nullopt;
    return family;
}

bool TokenStore::withinGrace(const QVariant &retiredAt) const
{
    return !retiredAt.isNull() && m_clock.now() - retiredAt.toLongLong() <= RefreshGraceSeconds;
}

TokenStore::RefreshOutcome TokenStore::rotate(const QByteArray &token, const QString &clientId,
                                              const QStringList &narrowedScope, TokenFamily *family, QByteArray *next)
{
    const qsizetype dot = token.indexOf('.');
    if (dot <= 0)
        return RefreshOutcome::Unknown;
    family->id = QString::fromLatin1(token.left(dot));
    QSqlQuery &q = m_db.query(QStringLiteral(
        "SELECT session_id, account_id, client_id, scope, auth_time, revoked_at, refresh_hash, refresh_expires_at, "
        "previous_hash, previous_retired_at FROM token_families WHERE id = ?"));
    q.bindValue(0, family->id);
    // Unknown would sign the client out; a failed read (a lost database connection) must not.
    if (!m_db.run(q))
        return RefreshOutcome::Failed;
    if (!q.next())
        return RefreshOutcome::Unknown;
    family->sessionId = q.value(0).toString();
    family->accountId = q.value(1).toString();
    family->clientId = q.value(2).toString();
    family->scope = q.value(3).toString();
    family->authTime = q.value(4).toLongLong();
    const bool revoked = !q.value(5).isNull();
    const QByteArray currentHash = q.value(6).toByteArray();
    const qint64 expiresAt = q.value(7).toLongLong();
    const QByteArray previousHash = q.value(8).toByteArray();
    const QVariant previousRetiredAt = q.value(9);
    q.finish();
    if (family->clientId != clientId)
        return RefreshOutcome::WrongClient;
    if (revoked)
        return RefreshOutcome::Revoked;
    const QByteArray presentedHash = hash(token);
    const bool current = !currentHash.isEmpty() && presentedHash == currentHash;
    // The latest rotation's response was lost: the client still holds the token it retired.
    const bool lostResponse = !current && !previousHash.isEmpty() && presentedHash == previousHash
        && withinGrace(previousRetiredAt);
    if (!current && !lostResponse) {
        // Only a holder of one of this family's tokens knows its id: an old one came back.
        // Unsaved, the revocation would be forgotten: fail, and detect it again on the retry.
        return revokeFamily(family->id) ? RefreshOutcome::Reused : RefreshOutcome::Failed;
    }
    const qint64 now = m_clock.now();
    if (current && expiresAt < now)
        return RefreshOutcome::Expired;
    const QStringList granted = family->scope.split(u' ');
    for (const QString &scope : narrowedScope) {
        if (!granted.contains(scope)) {
            // The client got the latest response after all: the grace is over.
            if (current)
                m_db.exec(QStringLiteral("UPDATE token_families SET previous_hash = NULL, previous_retired_at = NULL "
                                         "WHERE id = ? AND refresh_hash = ?"),
                          {family->id, currentHash});
            return RefreshOutcome::ScopeNotGranted;
        }
    }
    *next = newRefreshToken(family->id);
    // Compare-and-swap on the hashes read above: of two concurrent rotations
    // only one wins. A normal rotation keeps the token it retires as the
    // previous one; the grace answer retires the unused successor and leaves
    // no previous token, so the grace is used once.
    QSqlQuery &update = m_db.query(
        current ? QStringLiteral("UPDATE token_families SET refresh_hash = ?, refresh_expires_at = ?, "
                                 "previous_hash = refresh_hash, previous_retired_at = ?, rotations = rotations + 1 "
                                 "WHERE id = ? AND refresh_hash = ? AND revoked_at IS NULL")
                : QStringLiteral("UPDATE token_families SET refresh_hash = ?, refresh_expires_at = ?, "
                                 "previous_hash = NULL, previous_retired_at = ?, rotations = rotations + 1 "
                                 "WHERE id = ? AND refresh_hash = ? AND previous_hash = ? AND revoked_at IS NULL"));
    update.bindValue(0, hash(*next));
    update.bindValue(1, now + Protocol::RefreshTokenIdleLifetimeSeconds);
    update.bindValue(2, current ? QVariant(now) : QVariant());
    update.bindValue(3, family->id);
    update.bindValue(4, currentHash);
    if (!current)
        update.bindValue(5, presentedHash);
    if (!m_db.run(update))
        return RefreshOutcome::Failed;
    if (update.numRowsAffected() != 1)
        return revokeFamily(family->id) ? RefreshOutcome::Reused : RefreshOutcome::Failed;
    if (lostResponse)
        qCInfo(lcTokens,
               "session %s: the previous refresh token came back within the grace; its unused "
               "successor is retired",
               qPrintable(family->sessionId));
    return RefreshOutcome::Rotated;
}

bool TokenStore::isSessionActive(const QString &sessionId)
{
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT revoked_at FROM token_families WHERE session_id = ?"));
    q.bindValue(0, sessionId);
    const bool active = q.exec() && q.next() && q.value(0).isNull();
    q.finish();
    return active;
}

bool TokenStore::revokeFamily(const QString &familyId)
{
    return m_db.exec(QStringLiteral("UPDATE token_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
                     {m_clock.now(), familyId});
}

bool TokenStore::revokeSession(const QString &sessionId)
{
    return m_db.exec(QStringLiteral(
                         "UPDATE token_families SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL"),
                     {m_clock.now(), sessionId});
}

TokenStore::RevokeOutcome TokenStore::revokeRefreshToken(const QByteArray &token, const QString &clientId)
{
    const qsizetype dot = token.indexOf('.');
    if (dot <= 0)
        return RevokeOutcome::Unknown;
    QSqlQuery &q = m_db.query(QStringLiteral(
        "SELECT refresh_hash, previous_hash, previous_retired_at FROM token_families WHERE id = ? AND client_id = ?"));
    q.bindValue(0, QString::fromLatin1(token.left(dot)));
    q.bindValue(1, clientId);
    const QByteArray presented = hash(token);
    // A client whose last refresh response was lost signs out with the token it still holds.
    const bool valid = q.exec() && q.next()
        && (q.value(0).toByteArray() == presented || (q.value(1).toByteArray() == presented && withinGrace(q.value(2))));
    q.finish();
    if (!valid)
        return RevokeOutcome::Unknown;
    return revokeFamily(QString::fromLatin1(token.left(dot))) ? RevokeOutcome::Revoked : RevokeOutcome::Failed;
}

std::optional<OnboardingRecord> TokenStore::onboarding(const QString &jti)
{
    QSqlQuery &q = m_db.query(
        QStringLiteral("SELECT account_id, idempotency_key, family_id, revoked_at FROM onboardings WHERE jti = ?"));
    q.bindValue(0, jti);
    if (!q.exec() || !q.next())
        return std::nullopt;
    OnboardingRecord record{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), !q.value(3).isNull()};
    q.finish();
    return record;
}

bool TokenStore::recordOnboarding(const QString &jti, const OnboardingRecord &r, qint64 expiresAt)
{
    return m_db.exec(QStringLiteral("INSERT INTO onboardings (jti, account_id, idempotency_key, family_id, "
                                    "completed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) "
                                    "ON CONFLICT (jti) DO UPDATE SET family_id = excluded.family_id "
                                    "WHERE onboardings.account_id = excluded.account_id"),
                     {jti, r.accountId, r.idempotencyKey, r.familyId, m_clock.now(), expiresAt});
}

bool TokenStore::revokeOnboarding(const QString &jti, qint64 expiresAt)
{
    return m_db.exec(QStringLiteral("INSERT INTO onboardings (jti, revoked_at, expires_at) VALUES (?, ?, ?) "
                                    "ON CONFLICT (jti) DO UPDATE SET revoked_at = excluded.revoked_at"),
                     {jti, m_clock.now(), expiresAt});
}

int TokenStore::purgeExpired()
{
    const qint64 now = m_clock.now();
    // Codes are kept a while after expiry so a late replay is still recognised.
    const QList<std::pair<QString, qint64>> purges{
        {QStringLiteral("DELETE FROM authorization_codes WHERE expires_at < ?"), now - 3600},
        {QStringLiteral("DELETE FROM token_families WHERE refresh_expires_at < ?"), now},
        // Sessions without a refresh token only back access tokens, which live minutes.
        {QStringLiteral("DELETE FROM token_families WHERE refresh_hash IS NULL AND created_at < ?"), now - 86400},
        {QStringLiteral("DELETE FROM onboardings WHERE expires_at < ? AND account_id IS NULL"), now},
    };
    int deleted = 0;
    for (const auto &[sql, cutoff] : purges) {
        QSqlQuery &q = m_db.query(sql);
        q.bindValue(0, cutoff);
        if (q.exec())
            deleted += q.numRowsAffected();
    }
    return deleted;
}
