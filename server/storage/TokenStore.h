#pragma once

#include "Account.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

class Clock;
class Database;

// What an authorization code is bound to (PROTOCOL.md 4).
struct AuthorizationGrant
{
    QString clientId;
    QString redirectUri;
    QString codeChallenge;
    QString nonce;
    QString scope;
    UpstreamIdentity identity;
    QString email;
    bool emailVerified = false;
    QString name;
    QString upstreamUsername;
    qint64 authTime = 0;
    QString qaFault; // QA mode: the fault a tester attached to this sign-in
};

// A sign-in session: every refresh token rotated from one grant. `id` is
// internal and part of its refresh tokens; `sessionId` goes into access tokens.
struct TokenFamily
{
    QString id;
    QString sessionId;
    QString accountId;
    QString clientId;
    QString scope;
    qint64 authTime = 0;
};

// The record of an onboarding token's jti once used or revoked.
struct OnboardingRecord
{
    QString accountId;
    QString idempotencyKey;
    QString familyId;
    bool revoked = false;
};

// Authorization codes, refresh token families and onboarding records. Codes
// and refresh tokens are stored only as SHA-256 hashes. `Failed` outcomes and
// false or empty results mean the database could not be written (a full disk):
// nothing was done, and the same request may succeed later.
class TokenStore
{
public:
    enum class CodeOutcome { Valid, Unknown, Expired, AlreadyUsed, Failed };
    enum class RefreshOutcome { Rotated, Unknown, Expired, Reused, Revoked, WrongClient, ScopeNotGranted, Failed };
    enum class RevokeOutcome { Revoked, Unknown, Failed };

    // How long the token retired by the latest rotation is still accepted,
    // once, while its successor is unused: the rotation's response may never
    // have reached the client (PROTOCOL.md 5.2, docs/protocol-notes.md). The
    // client retries a failed refresh after 30 s, or 45 s when its request
    // timed out, so 60 s covers both.
    static constexpr int RefreshGraceSeconds = 60;

    TokenStore(Database &db, const Clock &clock);

    // Empty when the code could not be saved.
    QByteArray createCode(const AuthorizationGrant &grant);
    // Marks the code used. A second use revokes what the first one issued.
    CodeOutcome redeemCode(const QByteArray &code, AuthorizationGrant *grant);
    bool recordCodeResult(const QByteArray &code, const QString &familyId, const QString &onboardingJti);

    // Starts a session; when `refreshToken` is given, also its first refresh token.
    std::optional<TokenFamily> createFamily(const QString &accountId, const QString &clientId, const QString &scope,
                                            qint64 authTime, QByteArray *refreshToken);
    // Retires `token` and returns its successor in *next (RFC 9700 4.14.2).
    // `narrowedScope` (may be empty) must be within the family's scope; nothing
    // is retired when it is not. Any other token of the family revokes it,
    // except the previous one within the grace (see RefreshGraceSeconds).
    RefreshOutcome rotate(const QByteArray &token, const QString &clientId, const QStringList &narrowedScope,
                          TokenFamily *family, QByteArray *next);
    bool isSessionActive(const QString &sessionId);
    bool revokeFamily(const QString &familyId);
    bool revokeSession(const QString &sessionId);
    // Revokes the family of a refresh token (the current one, or the previous
    // one within the grace).
    RevokeOutcome revokeRefreshToken(const QByteArray &token, const QString &clientId);

    std::optional<OnboardingRecord> onboarding(const QString &jti);
    bool recordOnboarding(const QString &jti, const OnboardingRecord &record, qint64 expiresAt);
    bool revokeOnboarding(const QString &jti, qint64 expiresAt);

    // Drops what can no longer be used; returns the rows deleted.
    int purgeExpired();

private:
    static QByteArray hash(const QByteArray &secret);
    static QByteArray newRefreshToken(const QString &familyId);
    bool withinGrace(const QVariant &retiredAt) const;

    Database &m_db;
    const Clock &m_clock;
};
