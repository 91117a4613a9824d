#include "TokenStore.h"

#include "Clock.h"
#include "Database.h"
#include "Protocol.h"
#include "SecureRandom.h"

#include <QCryptographicHash>
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
    m_db.exec(QStringLiteral("INSERT INTO authorization_codes (code_hash, client_id, redirect_uri, code_challenge, "
                             "nonce, scope, provider_id, provider_user_id, email, email_verified, name, "
                             "upstream_username, auth_time, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
              {hash(code), g.clientId, g.redirectUri, g.codeChallenge, g.nonce, g.scope, g.identity.providerId,
               g.identity.providerUserId, g.email, g.emailVerified ? 1 : 0, g.name, g.upstreamUsername,
               g.authTime, now + Protocol::AuthorizationCodeLifetimeSeconds});
    return code;
}

TokenStore::CodeOutcome TokenStore::redeemCode(const QByteArray &code, AuthorizationGrant *g)
{
    Transaction transaction(m_db);
    QSqlQuery &q = m_db.query(QStringLiteral(
        "SELECT client_id, redirect_uri, code_challenge, nonce, scope, provider_id, provider_user_id, email, "
        "email_verified, name, upstream_username, auth_time, expires_at, used_at, family_id, onboarding_jti "
        "FROM authorization_codes WHERE code_hash = ?"));
    q.bindValue(0, hash(code));
    if (!q.exec() || !q.next())
        return CodeOutcome::Unknown;
    *g = AuthorizationGrant{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                            q.value(3).toString(), q.value(4).toString(),
                            {q.value(5).toString(), q.value(6).toString()}, q.value(7).toString(),
                            q.value(8).toBool(), q.value(9).toString(), q.value(10).toString(),
                            q.value(11).toLongLong()};
    const qint64 expiresAt = q.value(12).toLongLong();
    const bool used = !q.value(13).isNull();
    const QString familyId = q.value(14).toString();
    const QString onboardingJti = q.value(15).toString();
    q.finish();
    if (used) {
        if (!familyId.isEmpty())
            revokeFamily(familyId);
        if (!onboardingJti.isEmpty())
            revokeOnboarding(onboardingJti, m_clock.now() + Protocol::OnboardingTokenLifetimeSeconds);
        transaction.commit();
        return CodeOutcome::AlreadyUsed;
    }
    if (expiresAt < m_clock.now())
        return CodeOutcome::Expired;
    m_db.exec(QStringLiteral("UPDATE authorization_codes SET used_at = ? WHERE code_hash = ?"),
              {m_clock.now(), hash(code)});
    transaction.commit();
    return CodeOutcome::Valid;
}

void TokenStore::recordCodeResult(const QByteArray &code, const QString &familyId, const QString &onboardingJti)
{
    m_db.exec(QStringLiteral("UPDATE authorization_codes SET family_id = ?, onboarding_jti = ? WHERE code_hash = ?"),
              {familyId.isEmpty() ? QVariant() : familyId, onboardingJti.isEmpty() ? QVariant() : onboardingJti,
               hash(code)});
}

QString TokenStore::createFamily(const QString &accountId, const QString &clientId, const QString &scope,
                                 qint64 authTime)
{
    const QString id = QString::fromLatin1(SecureRandom::token(16));
    if (!m_db.exec(QStringLiteral("INSERT INTO token_families (id, account_id, client_id, scope, auth_time, "
                                  "created_at) VALUES (?, ?, ?, ?, ?, ?)"),
                   {id, accountId, clientId, scope, authTime, m_clock.now()}))
        return {};
    return id;
}

QByteArray TokenStore::issueRefreshToken(const QString &familyId)
{
    const QByteArray token = SecureRandom::token(RefreshTokenBytes);
    const qint64 now = m_clock.now();
    if (!m_db.exec(QStringLiteral("INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at) "
                                  "VALUES (?, ?, ?, ?)"),
                   {hash(token), familyId, now, now + Protocol::RefreshTokenIdleLifetimeSeconds}))
        return {};
    return token;
}

TokenStore::RefreshOutcome TokenStore::rotate(const QByteArray &token, const QString &clientId,
                                              const QStringList &narrowedScope, TokenFamily *family,
                                              QByteArray *next)
{
    Transaction transaction(m_db);
    QSqlQuery &q = m_db.query(QStringLiteral(
        "SELECT r.expires_at, r.retired_at, f.id, f.account_id, f.client_id, f.scope, f.auth_time, f.revoked_at "
        "FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id WHERE r.token_hash = ?"));
    const QByteArray tokenHash = hash(token);
    q.bindValue(0, tokenHash);
    if (!q.exec() || !q.next())
        return RefreshOutcome::Unknown;
    const qint64 expiresAt = q.value(0).toLongLong();
    const bool retired = !q.value(1).isNull();
    *family = TokenFamily{q.value(2).toString(), q.value(3).toString(), q.value(4).toString(),
                          q.value(5).toString(), q.value(6).toLongLong()};
    const bool revoked = !q.value(7).isNull();
    q.finish();
    if (family->clientId != clientId)
        return RefreshOutcome::WrongClient;
    if (revoked)
        return RefreshOutcome::Revoked;
    if (retired) {
        revokeFamily(family->id);
        transaction.commit();
        return RefreshOutcome::Reused;
    }
    const qint64 now = m_clock.now();
    if (expiresAt < now)
        return RefreshOutcome::Expired;
    const QStringList granted = family->scope.split(u' ');
    for (const QString &scope : narrowedScope) {
        if (!granted.contains(scope))
            return RefreshOutcome::ScopeNotGranted;
    }
    if (!m_db.exec(QStringLiteral("UPDATE refresh_tokens SET retired_at = ? WHERE token_hash = ?"), {now, tokenHash}))
        return RefreshOutcome::Failed;
    *next = issueRefreshToken(family->id);
    if (next->isEmpty() || !transaction.commit())
        return RefreshOutcome::Failed;
    return RefreshOutcome::Rotated;
}

bool TokenStore::isFamilyActive(const QString &familyId)
{
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT revoked_at FROM token_families WHERE id = ?"));
    q.bindValue(0, familyId);
    const bool active = q.exec() && q.next() && q.value(0).isNull();
    q.finish();
    return active;
}

void TokenStore::revokeFamily(const QString &familyId)
{
    m_db.exec(QStringLiteral("UPDATE token_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
              {m_clock.now(), familyId});
}

bool TokenStore::revokeRefreshToken(const QByteArray &token, const QString &clientId)
{
    QSqlQuery &q = m_db.query(QStringLiteral(
        "SELECT f.id FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id "
        "WHERE r.token_hash = ? AND f.client_id = ?"));
    q.bindValue(0, hash(token));
    q.bindValue(1, clientId);
    if (!q.exec() || !q.next())
        return false;
    const QString familyId = q.value(0).toString();
    q.finish();
    revokeFamily(familyId);
    return true;
}

std::optional<OnboardingRecord> TokenStore::onboarding(const QString &jti)
{
    QSqlQuery &q = m_db.query(QStringLiteral(
        "SELECT account_id, idempotency_key, family_id, revoked_at FROM onboardings WHERE jti = ?"));
    q.bindValue(0, jti);
    if (!q.exec() || !q.next())
        return std::nullopt;
    OnboardingRecord record{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                            !q.value(3).isNull()};
    q.finish();
    return record;
}

bool TokenStore::recordOnboarding(const QString &jti, const OnboardingRecord &r, qint64 expiresAt)
{
    return m_db.exec(QStringLiteral("INSERT INTO onboardings (jti, account_id, idempotency_key, family_id, "
                                    "completed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) "
                                    "ON CONFLICT (jti) DO UPDATE SET family_id = excluded.family_id "
                                    "WHERE account_id = excluded.account_id"),
                     {jti, r.accountId, r.idempotencyKey, r.familyId, m_clock.now(), expiresAt});
}

void TokenStore::revokeOnboarding(const QString &jti, qint64 expiresAt)
{
    m_db.exec(QStringLiteral("INSERT INTO onboardings (jti, revoked_at, expires_at) VALUES (?, ?, ?) "
                             "ON CONFLICT (jti) DO UPDATE SET revoked_at = excluded.revoked_at"),
              {jti, m_clock.now(), expiresAt});
}

int TokenStore::purgeExpired()
{
    const qint64 now = m_clock.now();
    // Codes are kept a while after expiry so a late replay is still recognised.
    const QList<std::pair<QString, qint64>> purges{
        {QStringLiteral("DELETE FROM authorization_codes WHERE expires_at < ?"), now - 3600},
        {QStringLiteral("DELETE FROM refresh_tokens WHERE expires_at < ?"), now},
        {QStringLiteral("DELETE FROM token_families WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens r "
                        "WHERE r.family_id = token_families.id) AND created_at < ?"),
         now - Protocol::RefreshTokenIdleLifetimeSeconds},
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
