#include "TokenStore.h"

#include "Clock.h"
#include "Database.h"
#include "ErrorCodes.h"
#include "Pkce.h"
#include "Protocol.h"
#include "SecureRandom.h"
#include "ServerLogging.h"
#include "SqlRow.h"

#include <QCryptographicHash>

namespace {
constexpr int CodeBytes = 32;         // 256 bits
constexpr int RefreshTokenBytes = 32; // 256 bits

const QString SelectCode = QStringLiteral(
    "SELECT client_id, redirect_uri, code_challenge, nonce, scope, provider_id, upstream_issuer, provider_user_id, "
    "email, email_verified, name, upstream_username, auth_time, expires_at, used_at, family_id, onboarding_jti, "
    "qa_fault, linked_provider FROM authorization_codes WHERE code_hash = ?");

ServerError unavailable(const QString &what)
{
    return ServerError::unavailable(QStringLiteral("%1; try again.").arg(what));
}

// Qt binds a null QString as NULL; the column means "no issuer" by ''.
QString notNull(const QString &text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

AuthorizationGrant grantFrom(const SqlRow &row)
{
    return AuthorizationGrant{row.text("client_id"),
                              row.text("redirect_uri"),
                              row.text("code_challenge"),
                              row.text("nonce"),
                              row.text("scope"),
                              {row.text("provider_id"), row.text("provider_user_id"), row.text("upstream_issuer")},
                              row.text("email"),
                              row["email_verified"].toBool(),
                              row.text("name"),
                              row.text("upstream_username"),
                              row.number("auth_time"),
                              row.text("qa_fault"),
                              row.text("linked_provider")};
}

// RFC 6749 4.1.3 and RFC 7636 4.6; nothing is spent when one fails, so a
// party that saw the code but not the verifier cannot burn the sign-in.
std::optional<ServerError> mismatch(const AuthorizationGrant &grant, const CodePresentation &presented)
{
    if (grant.clientId != presented.clientId)
        return ServerError::invalidGrant(QStringLiteral("The authorization code was issued to another client."));
    if (grant.redirectUri != presented.redirectUri)
        return ServerError::invalidGrant(QStringLiteral("redirect_uri does not match the authorization request."));
    if (!Pkce::matches(presented.verifier, grant.codeChallenge.toLatin1()))
        return ServerError::invalidGrant(QStringLiteral("code_verifier does not match the code_challenge."));
    return std::nullopt;
}
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

Result<QByteArray> TokenStore::createCode(const AuthorizationGrant &g)
{
    const QByteArray code = SecureRandom::token(CodeBytes);
    if (auto inserted = insertCode(hash(code), g, m_clock.now() + Protocol::AuthorizationCodeLifetimeSeconds); !inserted)
        return inserted.error();
    return code;
}

Result<void> TokenStore::createDeviceCode(const QByteArray &deviceCode, const AuthorizationGrant &grant,
                                          qint64 expiresAt)
{
    return insertCode(deviceCode, grant, expiresAt);
}

Result<void> TokenStore::insertCode(const QByteArray &codeHash, const AuthorizationGrant &g, qint64 expiresAt)
{
    if (!m_db.exec(QStringLiteral("INSERT INTO authorization_codes (code_hash, client_id, redirect_uri, "
                                  "code_challenge, nonce, scope, provider_id, upstream_issuer, provider_user_id, "
                                  "email, email_verified, name, upstream_username, auth_time, expires_at, qa_fault, "
                                  "linked_provider) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                   {codeHash, g.clientId, g.redirectUri, g.codeChallenge, notNull(g.nonce), g.scope,
                    g.identity.providerId, notNull(g.identity.upstreamIssuer), g.identity.providerUserId, g.email,
                    g.emailVerified ? 1 : 0, g.name, g.upstreamUsername, g.authTime, expiresAt,
                    g.qaFault.isEmpty() ? QVariant() : QVariant(g.qaFault),
                    g.linkedProvider.isEmpty() ? QVariant() : QVariant(g.linkedProvider)}))
        return unavailable(QStringLiteral("The sign-in could not be saved"));
    return {};
}

Result<AuthorizationGrant> TokenStore::exchangeCode(const QByteArray &code, const CodePresentation &presented,
                                                    const Issue &issue)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return unavailable(QStringLiteral("The authorization code could not be redeemed"));
    bool replayed = false;
    auto grant = redeemLocked(code, presented, issue, &replayed);
    // A replay's revocation is a result too: it must be saved before it is answered.
    if ((grant || replayed) && !transaction.commit())
        return unavailable(QStringLiteral("The authorization code could not be redeemed"));
    return grant;
}

Result<AuthorizationGrant> TokenStore::redeemLocked(const QByteArray &code, const CodePresentation &presented,
                                                    const Issue &issue, bool *replayed)
{
    // Locked: the same code presented to another instance waits for this
    // transaction, then sees it used together with what it issued.
    QSqlQuery &q = m_db.query(SelectCode + m_db.dialect().lockRow());
    q.bindValue(0, hash(code));
    // A read that failed (a lost database connection) is no verdict on the code.
    if (!m_db.run(q))
        return unavailable(QStringLiteral("The authorization code could not be redeemed"));
    if (!q.next())
        return ServerError::invalidGrant(QStringLiteral("The authorization code is not valid."));
    const SqlRow row(q);
    AuthorizationGrant grant = grantFrom(row);
    const qint64 expiresAt = row.number("expires_at");
    const bool used = !row.isNull("used_at");
    const CodeResult issued{row.text("family_id"), row.text("onboarding_jti")};
    q.finish();
    if (used) {
        if (auto revoked = revokeWhatCodeIssued(issued.familyId, issued.onboardingJti); !revoked)
            return revoked.error();
        *replayed = true;
        return ServerError::invalidGrant(
            QStringLiteral("The authorization code was already used; what it issued is revoked."));
    }
    if (expiresAt < m_clock.now())
        return ServerError::invalidGrant(QStringLiteral("The authorization code has expired."));
    if (const auto wrong = mismatch(grant, presented))
        return *wrong;
    const auto result = issue(grant);
    if (!result)
        return result.error();
    if (!m_db.exec(QStringLiteral("UPDATE authorization_codes SET used_at = ?, family_id = ?, onboarding_jti = ? "
                                  "WHERE code_hash = ? AND used_at IS NULL"),
                   {m_clock.now(), result->familyId.isEmpty() ? QVariant() : result->familyId,
                    result->onboardingJti.isEmpty() ? QVariant() : result->onboardingJti, hash(code)}))
        return unavailable(QStringLiteral("The authorization code could not be redeemed"));
    return grant;
}

Result<void> TokenStore::revokeWhatCodeIssued(const QString &familyId, const QString &onboardingJti)
{
    if (!familyId.isEmpty()) {
        if (auto revoked = revokeFamily(familyId); !revoked)
            return revoked;
    }
    if (onboardingJti.isEmpty())
        return {};
    // Spent first: an onboarding of this jti that is still running waits for
    // this row, and one that committed is seen by the read below.
    if (auto spent = revokeOnboarding(onboardingJti, m_clock.now() + Protocol::OnboardingTokenLifetimeSeconds); !spent)
        return spent;
    const auto record = onboarding(onboardingJti);
    if (!record)
        return record.error();
    if (*record && !(*record)->familyId.isEmpty())
        return revokeFamily((*record)->familyId);
    return {};
}

QString TokenStore::qaFaultOfCode(const QByteArray &code)
{
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT qa_fault FROM authorization_codes WHERE code_hash = ?"));
    q.bindValue(0, hash(code));
    const QString fault = m_db.run(q) && q.next() ? SqlRow(q).text("qa_fault") : QString();
    q.finish();
    return fault;
}

QByteArray TokenStore::newRefreshToken(const QString &familyId)
{
    return familyId.toLatin1() + '.' + SecureRandom::token(RefreshTokenBytes);
}

Result<TokenFamily> TokenStore::createFamily(const QString &accountId, const QString &clientId, const QString &scope,
                                             qint64 authTime, QByteArray *refreshToken)
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
        return unavailable(QStringLiteral("The session could not be saved"));
    return family;
}

bool TokenStore::withinGrace(const QVariant &retiredAt) const
{
    return !retiredAt.isNull() && m_clock.now() - retiredAt.toLongLong() <= RefreshGraceSeconds;
}

Result<Rotation> TokenStore::rotate(const QByteArray &token, const QString &clientId, const QStringList &narrowedScope,
                                    Metrics::Refresh *outcome)
{
    Metrics::Refresh unread;
    Metrics::Refresh &out = outcome ? *outcome : unread;
    out = Metrics::Refresh::Invalid;
    const ServerError notValid = ServerError::invalidGrant(QStringLiteral("The refresh token is not valid."));
    const ServerError failed = unavailable(QStringLiteral("The session could not be refreshed"));
    const qsizetype dot = token.indexOf('.');
    if (dot <= 0)
        return notValid;
    Rotation read;
    read.family.id = QString::fromLatin1(token.left(dot));
    QSqlQuery &q = m_db.query(QStringLiteral(
        "SELECT session_id, account_id, client_id, scope, auth_time, revoked_at, refresh_hash, refresh_expires_at, "
        "previous_hash, previous_retired_at FROM token_families WHERE id = ?"));
    q.bindValue(0, read.family.id);
    // Unknown would sign the client out; a failed read (a lost database connection) must not.
    if (!m_db.run(q)) {
        out = Metrics::Refresh::Unavailable;
        return failed;
    }
    if (!q.next())
        return notValid;
    const SqlRow row(q);
    read.family.sessionId = row.text("session_id");
    read.family.accountId = row.text("account_id");
    read.family.clientId = row.text("client_id");
    read.family.scope = row.text("scope");
    read.family.authTime = row.number("auth_time");
    const bool revoked = !row.isNull("revoked_at");
    const QByteArray currentHash = row["refresh_hash"].toByteArray();
    const qint64 expiresAt = row.number("refresh_expires_at");
    const QByteArray previousHash = row["previous_hash"].toByteArray();
    const QVariant previousRetiredAt = row["previous_retired_at"];
    q.finish();
    if (read.family.clientId != clientId)
        return notValid;
    if (revoked) {
        out = Metrics::Refresh::Revoked;
        return ServerError::invalidGrant(QStringLiteral("The session was revoked."));
    }
    const QByteArray presentedHash = hash(token);
    const bool current = !currentHash.isEmpty() && presentedHash == currentHash;
    // The latest rotation's response was lost: the client still holds the token it retired.
    const bool lostResponse = !current && !previousHash.isEmpty() && presentedHash == previousHash
        && withinGrace(previousRetiredAt);
    const ServerError reused = ServerError::invalidGrant(
        QStringLiteral("The refresh token was already used; the session is revoked."));
    // Only a holder of one of this family's tokens knows its id: an old one came back.
    // Unsaved, the revocation would be forgotten: fail, and detect it again on the retry.
    if (!current && !lostResponse) {
        const bool revokedNow = bool(revokeFamily(read.family.id));
        out = revokedNow ? Metrics::Refresh::ReuseRevoked : Metrics::Refresh::Unavailable;
        return revokedNow ? Result<Rotation>(reused) : Result<Rotation>(failed);
    }
    if (current && expiresAt < m_clock.now()) {
        out = Metrics::Refresh::Expired;
        return ServerError::invalidGrant(QStringLiteral("The refresh token has expired."));
    }
    const QStringList granted = read.family.scope.split(u' ');
    for (const QString &scope : narrowedScope) {
        if (granted.contains(scope))
            continue;
        // The client got the latest response after all: the grace is over.
        if (current)
            m_db.exec(QStringLiteral("UPDATE token_families SET previous_hash = NULL, previous_retired_at = NULL "
                                     "WHERE id = ? AND refresh_hash = ?"),
                      {read.family.id, currentHash});
        out = Metrics::Refresh::InvalidScope;
        return ServerError{ErrorCode::InvalidScope,
                           QStringLiteral("The requested scope exceeds what this session was granted."), 400};
    }
    return swap(read, currentHash, presentedHash, current, out);
}

// Compare-and-swap on the hashes read before: of two concurrent rotations
// only one wins. A normal rotation keeps the token it retires as the previous
// one; the grace answer retires the unused successor and leaves no previous
// token, so the grace is used once.
Result<Rotation> TokenStore::swap(const Rotation &read, const QByteArray &currentHash, const QByteArray &presentedHash,
                                  bool current, Metrics::Refresh &outcome)
{
    Rotation rotation = read;
    rotation.next = newRefreshToken(read.family.id);
    const qint64 now = m_clock.now();
    QSqlQuery &update = m_db.query(
        current ? QStringLiteral("UPDATE token_families SET refresh_hash = ?, refresh_expires_at = ?, "
                                 "previous_hash = refresh_hash, previous_retired_at = ?, rotations = rotations + 1 "
                                 "WHERE id = ? AND refresh_hash = ? AND revoked_at IS NULL")
                : QStringLiteral("UPDATE token_families SET refresh_hash = ?, refresh_expires_at = ?, "
                                 "previous_hash = NULL, previous_retired_at = ?, rotations = rotations + 1 "
                                 "WHERE id = ? AND refresh_hash = ? AND previous_hash = ? AND revoked_at IS NULL"));
    update.bindValue(0, hash(rotation.next));
    update.bindValue(1, now + Protocol::RefreshTokenIdleLifetimeSeconds);
    update.bindValue(2, current ? QVariant(now) : QVariant());
    update.bindValue(3, read.family.id);
    update.bindValue(4, currentHash);
    if (!current)
        update.bindValue(5, presentedHash);
    const ServerError failed = unavailable(QStringLiteral("The session could not be refreshed"));
    outcome = Metrics::Refresh::Unavailable;
    if (!m_db.run(update))
        return failed;
    if (update.numRowsAffected() != 1) {
        if (!revokeFamily(read.family.id))
            return failed;
        outcome = Metrics::Refresh::ReuseRevoked;
        return ServerError::invalidGrant(QStringLiteral("The refresh token was already used; the session is revoked."));
    }
    outcome = current ? Metrics::Refresh::Rotated : Metrics::Refresh::Grace;
    if (!current)
        qCInfo(lcTokens,
               "session %s: the previous refresh token came back within the grace; its unused "
               "successor is retired",
               qPrintable(read.family.sessionId));
    return rotation;
}

Result<bool> TokenStore::isSessionActive(const QString &sessionId)
{
    const auto authTime = activeSessionAuthTime(sessionId);
    if (!authTime)
        return authTime.error();
    return authTime->has_value();
}

Result<std::optional<qint64>> TokenStore::activeSessionAuthTime(const QString &sessionId)
{
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT auth_time, revoked_at FROM token_families WHERE session_id = ?"));
    q.bindValue(0, sessionId);
    if (!m_db.run(q))
        return unavailable(QStringLiteral("The session could not be checked"));
    std::optional<qint64> authTime;
    if (q.next() && SqlRow(q).isNull("revoked_at"))
        authTime = SqlRow(q).number("auth_time");
    q.finish();
    return authTime;
}

Result<std::optional<AuthorizationGrant>> TokenStore::grantOfOnboarding(const QString &jti)
{
    QSqlQuery &q = m_db.query(
        QString(SelectCode).replace(QStringLiteral("code_hash = ?"), QStringLiteral("onboarding_jti = ?")));
    q.bindValue(0, jti);
    if (!m_db.run(q))
        return unavailable(QStringLiteral("The sign-in could not be read"));
    std::optional<AuthorizationGrant> grant;
    if (q.next())
        grant = grantFrom(SqlRow(q));
    q.finish();
    return grant;
}

Result<void> TokenStore::revokeFamily(const QString &familyId)
{
    if (!m_db.exec(QStringLiteral("UPDATE token_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
                   {m_clock.now(), familyId}))
        return unavailable(QStringLiteral("The session could not be revoked"));
    return {};
}

Result<void> TokenStore::revokeSession(const QString &sessionId)
{
    if (!m_db.exec(QStringLiteral(
                       "UPDATE token_families SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL"),
                   {m_clock.now(), sessionId}))
        return unavailable(QStringLiteral("The session could not be revoked"));
    return {};
}

Result<bool> TokenStore::revokeRefreshToken(const QByteArray &token, const QString &clientId)
{
    const qsizetype dot = token.indexOf('.');
    if (dot <= 0)
        return false;
    QSqlQuery &q = m_db.query(QStringLiteral(
        "SELECT refresh_hash, previous_hash, previous_retired_at FROM token_families WHERE id = ? AND client_id = ?"));
    q.bindValue(0, QString::fromLatin1(token.left(dot)));
    q.bindValue(1, clientId);
    if (!m_db.run(q))
        return unavailable(QStringLiteral("The token could not be revoked"));
    const QByteArray presented = hash(token);
    bool valid = false;
    if (q.next()) {
        const SqlRow row(q);
        // A client whose last refresh response was lost signs out with the token it still holds.
        valid = row["refresh_hash"].toByteArray() == presented
            || (row["previous_hash"].toByteArray() == presented && withinGrace(row["previous_retired_at"]));
    }
    q.finish();
    if (!valid)
        return false;
    if (auto revoked = revokeFamily(QString::fromLatin1(token.left(dot))); !revoked)
        return revoked.error();
    return true;
}

Result<std::optional<OnboardingRecord>> TokenStore::onboarding(const QString &jti)
{
    QSqlQuery &q = m_db.query(
        QStringLiteral("SELECT account_id, idempotency_key, family_id, revoked_at FROM onboardings WHERE jti = ?"));
    q.bindValue(0, jti);
    if (!m_db.run(q))
        return unavailable(QStringLiteral("The onboarding could not be checked"));
    std::optional<OnboardingRecord> record;
    if (q.next()) {
        const SqlRow row(q);
        record = OnboardingRecord{row.text("account_id"), row.text("idempotency_key"), row.text("family_id"),
                                  !row.isNull("revoked_at")};
    }
    q.finish();
    return record;
}

Result<void> TokenStore::revokeOnboarding(const QString &jti, qint64 expiresAt)
{
    if (!m_db.exec(QStringLiteral("INSERT INTO onboardings (jti, revoked_at, expires_at) VALUES (?, ?, ?) "
                                  "ON CONFLICT (jti) DO UPDATE SET revoked_at = excluded.revoked_at"),
                   {jti, m_clock.now(), expiresAt}))
        return unavailable(QStringLiteral("The onboarding could not be revoked"));
    return {};
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
        // Link requests (LinkStore): kept an hour past expiry, so a late replay reads as spent.
        {QStringLiteral("DELETE FROM link_requests WHERE expires_at < ?"), now - 3600},
        // Device grants (DeviceGrantStore): kept a while, so a late poll reads expired_token.
        {QStringLiteral("DELETE FROM device_grants WHERE expires_at < ?"), now - Protocol::DeviceCodeLifetimeSeconds},
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
