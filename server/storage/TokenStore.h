#pragma once

#include "Account.h"
#include "Metrics.h"
#include "Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>
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
    // PROTOCOL.md 6.5: the provider (ProviderDirectory id) this sign-in just
    // linked to the account; empty when it linked nothing.
    QString linkedProvider;
};

// What the token request presents with a code; checked against the grant
// before the code is spent (RFC 6749 4.1.3, RFC 7636 4.6).
struct CodePresentation
{
    QString clientId;
    QString redirectUri;
    QByteArray verifier;
};

// What redeeming a code issued: a session, or an onboarding token's jti. A
// replay of the code revokes them.
struct CodeResult
{
    QString familyId;
    QString onboardingJti;
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

struct Rotation
{
    TokenFamily family;
    QByteArray next; // the successor of the presented refresh token
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
// and refresh tokens are stored only as SHA-256 hashes. Errors are what the
// token endpoint answers: invalid_grant and invalid_scope for what was
// presented, 503 temporarily_unavailable when the database could not be
// read or written (nothing was done; the same request may succeed later).
class TokenStore
{
public:
    // Runs inside the code's transaction, once the code is valid for this
    // request: issues what the code leads to. An error rolls everything back,
    // and the code stays unspent.
    using Issue = std::function<Result<CodeResult>(const AuthorizationGrant &grant)>;

    // How long the token retired by the latest rotation is still accepted,
    // once, while its successor is unused: the rotation's response may never
    // have reached the client (PROTOCOL.md 5.2, docs/protocol-notes.md). The
    // client retries a failed refresh after 30 s, or 45 s when its request
    // timed out, so 60 s covers both.
    static constexpr int RefreshGraceSeconds = 60;

    TokenStore(Database &db, const Clock &clock);

    Result<QByteArray> createCode(const AuthorizationGrant &grant);
    // PROTOCOL.md 10: the code a device grant's approval makes, valid until
    // `expiresAt` (the device code's end). `deviceCodeHash` is the SHA-256 of
    // the device code, which the device presents as the code and, with the
    // grant's code_challenge BASE64URL(SHA256(device_code)), as its verifier.
    Result<void> createDeviceCode(const QByteArray &deviceCodeHash, const AuthorizationGrant &grant, qint64 expiresAt);
    // Redeems the code in one transaction with the row locked: checks it
    // against `presented` (a mismatch spends nothing), marks it used, runs
    // `issue` and records what it issued. A second use of a spent code waits
    // for the first to commit, then revokes what it issued.
    Result<AuthorizationGrant> exchangeCode(const QByteArray &code, const CodePresentation &presented,
                                            const Issue &issue);
    // QA mode's fault hook: the fault attached to a code, read without spending it.
    QString qaFaultOfCode(const QByteArray &code);

    // Starts a session; when `refreshToken` is given, also its first refresh token.
    Result<TokenFamily> createFamily(const QString &accountId, const QString &clientId, const QString &scope,
                                     qint64 authTime, QByteArray *refreshToken);
    // Retires `token` and returns its successor (RFC 9700 4.14.2).
    // `narrowedScope` (may be empty) must be within the family's scope; nothing
    // is retired when it is not. Any other token of the family revokes it,
    // except the previous one within the grace (see RefreshGraceSeconds).
    // `outcome`, when given, says which of these happened (for the metrics).
    Result<Rotation> rotate(const QByteArray &token, const QString &clientId, const QStringList &narrowedScope,
                            Metrics::Refresh *outcome = nullptr);
    Result<bool> isSessionActive(const QString &sessionId);
    // When the person authenticated for the session; nullopt when it is revoked or gone.
    Result<std::optional<qint64>> activeSessionAuthTime(const QString &sessionId);
    // What the code that minted the onboarding token `jti` recorded: the
    // identity an onboarding or a link may create (PROTOCOL.md 6.4); nullopt
    // when no code minted it (or it is purged, long after the token expired).
    Result<std::optional<AuthorizationGrant>> grantOfOnboarding(const QString &jti);
    Result<void> revokeFamily(const QString &familyId);
    Result<void> revokeSession(const QString &sessionId);
    // Revokes the family of a refresh token (the current one, or the previous
    // one within the grace); false when the token is not one of this client's.
    Result<bool> revokeRefreshToken(const QByteArray &token, const QString &clientId);

    Result<std::optional<OnboardingRecord>> onboarding(const QString &jti);
    // Records the jti as spent, so neither its onboarding nor a replay of its
    // code can still create anything.
    Result<void> revokeOnboarding(const QString &jti, qint64 expiresAt);

    // Drops what can no longer be used; returns the rows deleted.
    int purgeExpired();

    static QByteArray hash(const QByteArray &secret);

private:
    static QByteArray newRefreshToken(const QString &familyId);
    Result<void> insertCode(const QByteArray &codeHash, const AuthorizationGrant &grant, qint64 expiresAt);
    bool withinGrace(const QVariant &retiredAt) const;
    Result<AuthorizationGrant> redeemLocked(const QByteArray &code, const CodePresentation &presented,
                                            const Issue &issue, bool *replayed);
    Result<void> revokeWhatCodeIssued(const QString &familyId, const QString &onboardingJti);
    Result<Rotation> swap(const Rotation &read, const QByteArray &currentHash, const QByteArray &presentedHash,
                          bool current, Metrics::Refresh &outcome);

    Database &m_db;
    const Clock &m_clock;
};
