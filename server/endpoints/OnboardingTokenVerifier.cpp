#include "OnboardingTokenVerifier.h"

#include "ClaimNames.h"
#include "ClientRegistry.h"
#include "Clock.h"
#include "Jws.h"
#include "KeyStore.h"
#include "Pkce.h"
#include "Protocol.h"
#include "ProviderDirectory.h"
#include "ServerContext.h"
#include "TokenIssuer.h"

#include <QJsonArray>

namespace {

QString claim(const QJsonObject &claims, const char *name)
{
    return claims.value(QLatin1String(name)).toString();
}

QString reasonFor(Jws::Error error)
{
    switch (error) {
    case Jws::Error::TooLarge:
    case Jws::Error::Malformed:
        return QStringLiteral("malformed");
    case Jws::Error::WrongType:
        return QStringLiteral("type");
    default:
        return QStringLiteral("signature");
    }
}

bool audienceContains(const QJsonValue &aud, const QString &clientId)
{
    if (aud.isArray())
        return aud.toArray().contains(clientId);
    return aud.toString() == clientId;
}

} // namespace

OnboardingTokenVerifier::OnboardingTokenVerifier(ServerContext &context)
    : m_context(context)
{
}

ServerError OnboardingTokenVerifier::invalidToken(const QString &reason)
{
    return ServerError::invalidToken(QStringLiteral("The onboarding token is not valid (%1).").arg(reason))
        .with(QStringLiteral("reason"), reason);
}

Result<OnboardingTokenVerifier::Token> OnboardingTokenVerifier::verify(const QByteArray &compact,
                                                                       const QString &audience) const
{
    const auto result = Jws::verify(compact, m_context.keys.publishedKeys(),
                                    QStringList{QLatin1String(Protocol::TypOnboardingToken)});
    if (!result.ok())
        return invalidToken(reasonFor(result.error));
    const QJsonObject &c = result.payload;
    if (claim(c, Claim::Issuer) != m_context.issuer.issuer())
        return invalidToken(QStringLiteral("issuer"));
    const QString clientId = audience.isEmpty() ? claim(c, Claim::Audience) : audience;
    if (!m_context.clients.isKnown(clientId) || !audienceContains(c.value(QLatin1String(Claim::Audience)), clientId))
        return invalidToken(QStringLiteral("audience"));
    if (qint64(c.value(QLatin1String(Claim::Expiry)).toDouble()) < m_context.clock.now())
        return invalidToken(QStringLiteral("expired"));
    const QString jti = claim(c, Claim::JwtId);
    if (jti.isEmpty() || claim(c, Claim::CodeChallenge).isEmpty() || claim(c, Claim::ProviderUserId).isEmpty())
        return invalidToken(QStringLiteral("malformed"));
    // Early and advisory: the stores check it again inside their transactions.
    const auto record = m_context.tokens.onboarding(jti);
    if (!record)
        return record.error();
    if (*record && (*record)->revoked)
        return invalidToken(QStringLiteral("revoked"));
    return Token{c, jti, clientId};
}

Result<void> OnboardingTokenVerifier::checkProof(const Token &token, const QByteArray &verifier)
{
    if (!Pkce::matches(verifier, claim(token.claims, Claim::CodeChallenge).toLatin1()))
        return invalidToken(QStringLiteral("proof"));
    return {};
}

Result<AuthorizationGrant> OnboardingTokenVerifier::recordedGrant(const Token &token) const
{
    const auto grant = m_context.tokens.grantOfOnboarding(token.jti);
    if (!grant)
        return grant.error();
    if (!*grant || !m_context.providers.findByIdentity((*grant)->identity.providerId, (*grant)->identity.upstreamIssuer))
        return invalidToken(QStringLiteral("revoked"));
    return **grant;
}
