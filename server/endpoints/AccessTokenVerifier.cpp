#include "AccessTokenVerifier.h"

#include "BearerToken.h"
#include "ClaimNames.h"
#include "Clock.h"
#include "ErrorCodes.h"
#include "Jws.h"
#include "KeyStore.h"
#include "Protocol.h"
#include "ServerContext.h"
#include "TokenIssuer.h"
#include "TokenStore.h"

AccessTokenVerifier::AccessTokenVerifier(ServerContext &context)
    : m_context(context)
{
}

Result<QJsonObject> AccessTokenVerifier::verify(const QByteArray &token) const
{
    const auto result = Jws::verify(token, m_context.keys.publishedKeys(),
                                    QStringList{QLatin1String(Protocol::TypAccessToken)});
    if (!result.ok())
        return ServerError::invalidToken(QStringLiteral("The access token is not valid."));
    const QJsonObject &c = result.payload;
    if (c.value(QLatin1String(Claim::Issuer)).toString() != m_context.issuer.issuer()
        || c.value(QLatin1String(Claim::Audience)).toString() != m_context.issuer.issuer())
        return ServerError::invalidToken(QStringLiteral("The access token was issued for another server."));
    if (qint64(c.value(QLatin1String(Claim::Expiry)).toDouble()) < m_context.clock.now())
        return ServerError::invalidToken(QStringLiteral("The access token has expired."));
    const auto active = m_context.tokens.isSessionActive(c.value(QLatin1String(Claim::SessionId)).toString());
    if (!active)
        return active.error();
    if (!*active)
        return ServerError::invalidToken(QStringLiteral("The session was revoked."));
    return c;
}

Result<QJsonObject> AccessTokenVerifier::verifyRequest(const QHttpServerRequest &request) const
{
    const QByteArray token = BearerToken::of(request);
    if (token.isEmpty()) {
        ServerError missing = ServerError::invalidToken(
            QStringLiteral("An access token is required as a Bearer token."));
        missing.bareChallenge = true;
        return missing;
    }
    return verify(token);
}

Result<void> AccessTokenVerifier::requireRecentAuthentication(const QJsonObject &claims) const
{
    const auto authTime = m_context.tokens.activeSessionAuthTime(
        claims.value(QLatin1String(Claim::SessionId)).toString());
    if (!authTime)
        return authTime.error();
    if (!*authTime)
        return ServerError::invalidToken(QStringLiteral("The session was revoked."));
    if (**authTime + RecentAuthenticationSeconds < m_context.clock.now())
        return ServerError{ErrorCode::ReauthenticationRequired,
                           QStringLiteral("Sign in again to change how you sign in: your last sign-in was more than "
                                          "5 minutes ago."),
                           403};
    return {};
}
