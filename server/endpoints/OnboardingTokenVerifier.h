#pragma once

#include "Result.h"
#include "TokenStore.h"

#include <QJsonObject>
#include <QString>

struct ServerContext;

// An onboarding token (PROTOCOL.md 6.1) as the onboard and link-request
// calls accept it: signature, issuer, audience, expiry, and not revoked.
class OnboardingTokenVerifier
{
public:
    struct Token
    {
        QJsonObject claims;
        QString jti;
        QString clientId;
    };

    explicit OnboardingTokenVerifier(ServerContext &context);

    // 401 invalid_token with PROTOCOL.md's reason ("expired", "signature", ...)
    // when not valid. `audience` empty: the token's own.
    Result<Token> verify(const QByteArray &compact, const QString &audience) const;
    // 401 invalid_token (reason "proof") unless `verifier` matches the token's cch.
    static Result<void> checkProof(const Token &token, const QByteArray &verifier);
    // PROTOCOL.md 6.4: what the code that minted the token recorded, the
    // identity an onboarding or a link creates, never the token's claims: a
    // token of an older version, or of a provider whose issuer changed since,
    // creates nothing (401 invalid_token, reason "revoked").
    Result<AuthorizationGrant> recordedGrant(const Token &token) const;

    static ServerError invalidToken(const QString &reason);

private:
    ServerContext &m_context;
};
