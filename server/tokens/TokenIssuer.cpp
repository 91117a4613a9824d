#include "TokenIssuer.h"

#include "ClaimNames.h"
#include "Clock.h"
#include "Jws.h"
#include "KeyStore.h"
#include "Protocol.h"
#include "SecureRandom.h"

TokenIssuer::TokenIssuer(const QString &issuer, const KeyStore &keys, const Clock &clock, bool minimalIdTokens)
    : m_issuer(issuer)
    , m_keys(keys)
    , m_clock(clock)
    , m_minimalIdTokens(minimalIdTokens)
{
}

QByteArray TokenIssuer::sign(const char *typ, QJsonObject claims, const QString &audience, int lifetime) const
{
    const qint64 now = m_clock.now();
    claims.insert(QLatin1String(Claim::Issuer), m_issuer);
    claims.insert(QLatin1String(Claim::Audience), audience);
    claims.insert(QLatin1String(Claim::IssuedAt), double(now));
    claims.insert(QLatin1String(Claim::Expiry), double(now + lifetime));
    return Jws::sign(QJsonObject{{QLatin1String("typ"), QLatin1String(typ)}}, claims, m_keys.signingKey());
}

QByteArray TokenIssuer::idToken(const TokenGrant &grant) const
{
    const Account &account = grant.account;
    QJsonObject claims{{QLatin1String(Claim::Subject), account.id},
                       {QLatin1String(Claim::AuthTime), double(grant.authTime)}};
    if (!grant.nonce.isEmpty())
        claims.insert(QLatin1String(Claim::Nonce), grant.nonce);
    if (!m_minimalIdTokens) {
        claims.insert(QLatin1String(Claim::PreferredUsername), account.username);
        claims.insert(QLatin1String(Claim::EmailVerified), account.emailVerified);
        if (!account.name.isEmpty())
            claims.insert(QLatin1String(Claim::Name), account.name);
        if (!account.email.isEmpty())
            claims.insert(QLatin1String(Claim::Email), account.email);
        if (!grant.provider.isEmpty())
            claims.insert(QLatin1String(Claim::IdentityProvider), grant.provider);
    }
    return sign(Protocol::TypIdToken, claims, grant.clientId, Protocol::IdTokenLifetimeSeconds);
}

QByteArray TokenIssuer::accessToken(const Account &account, const QString &clientId, const QString &scope,
                                    const QString &sessionId) const
{
    const QJsonObject claims{
        {QLatin1String(Claim::Subject), account.id},
        {QLatin1String(Claim::ClientId), clientId},
        {QLatin1String(Claim::Scope), scope},
        {QLatin1String(Claim::JwtId), QString::fromLatin1(SecureRandom::token(16))},
        {QLatin1String(Claim::SessionId), sessionId},
    };
    return sign(Protocol::TypAccessToken, claims, m_issuer, Protocol::AccessTokenLifetimeSeconds);
}

QByteArray TokenIssuer::onboardingToken(QJsonObject claims, const QString &clientId, QString *jti) const
{
    *jti = QString::fromLatin1(SecureRandom::token(16));
    claims.insert(QLatin1String(Claim::JwtId), *jti);
    return signOnboardingToken(claims, clientId, Protocol::OnboardingTokenLifetimeSeconds);
}

QByteArray TokenIssuer::signOnboardingToken(const QJsonObject &claims, const QString &clientId, int lifetime) const
{
    return sign(Protocol::TypOnboardingToken, claims, clientId, lifetime);
}

QJsonObject TokenIssuer::tokenResponse(const TokenGrant &grant) const
{
    QJsonObject response{
        {QLatin1String(TokenField::AccessToken),
         QString::fromLatin1(accessToken(grant.account, grant.clientId, grant.scope, grant.sessionId))},
        {QLatin1String(TokenField::TokenType), QLatin1String(Protocol::TokenTypeBearer)},
        {QLatin1String(TokenField::ExpiresIn), Protocol::AccessTokenLifetimeSeconds},
        {QLatin1String(TokenField::Scope), grant.scope},
    };
    if (grant.withIdToken && grant.scope.split(u' ').contains(QLatin1String("openid")))
        response.insert(QLatin1String(TokenField::IdToken), QString::fromLatin1(idToken(grant)));
    if (!grant.refreshToken.isEmpty())
        response.insert(QLatin1String(TokenField::RefreshToken), QString::fromLatin1(grant.refreshToken));
    return response;
}
