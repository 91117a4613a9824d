#include "TokenEndpoint.h"

#include "AccountStore.h"
#include "ClaimNames.h"
#include "ClientRegistry.h"
#include "FormData.h"
#include "HttpServer.h"
#include "Pkce.h"
#include "Protocol.h"
#include "ProviderDirectory.h"
#include "QaFaults.h"
#include "Reply.h"
#include "ServerConfig.h"
#include "ServerContext.h"
#include "TokenIssuer.h"
#include "TokenStore.h"
#include "UsernameSuggester.h"

namespace {

using Status = Reply::Status;

QHttpServerResponse oauthError(const QString &code, const QString &description, Status status = Status::BadRequest)
{
    return Reply::error(status, code, description);
}

QHttpServerResponse invalidGrant(const QString &description)
{
    return oauthError(QStringLiteral("invalid_grant"), description);
}

} // namespace

TokenEndpoint::TokenEndpoint(ServerContext &context)
    : m_context(context)
{
}

void TokenEndpoint::registerRoutes(HttpServer &server)
{
    server.route(QStringLiteral("/token"), QHttpServerRequest::Method::Post,
                 [this](const QHttpServerRequest &r) { return token(r); });
}

QHttpServerResponse TokenEndpoint::token(const QHttpServerRequest &request)
{
    if (!FormData::isFormContentType(request.value(QByteArrayLiteral("Content-Type"))))
        return oauthError(QStringLiteral("invalid_request"),
                          QStringLiteral("The body must be application/x-www-form-urlencoded."));
    QString duplicate;
    const auto fields = FormData::parse(request.body(), &duplicate);
    if (!fields)
        return oauthError(QStringLiteral("invalid_request"),
                          QStringLiteral("The parameter %1 was sent more than once.").arg(duplicate));
    const QString clientId = fields->value(QStringLiteral("client_id"));
    if (clientId.isEmpty())
        return oauthError(QStringLiteral("invalid_request"), QStringLiteral("client_id is missing."));
    if (!m_context.clients.isKnown(clientId) || fields->contains(QStringLiteral("client_secret")))
        return oauthError(QStringLiteral("invalid_client"), QStringLiteral("Unknown client."), Status::Unauthorized);
    const QString grantType = fields->value(QStringLiteral("grant_type"));
    if (grantType.isEmpty())
        return oauthError(QStringLiteral("invalid_request"), QStringLiteral("grant_type is missing."));
    if (grantType == QLatin1String("authorization_code"))
        return authorizationCode(*fields);
    if (grantType == QLatin1String("refresh_token"))
        return refreshToken(*fields);
    return oauthError(QStringLiteral("unsupported_grant_type"),
                      QStringLiteral("grant_type \"%1\" is not supported.").arg(grantType));
}

QHttpServerResponse TokenEndpoint::authorizationCode(const Fields &f)
{
    for (const char *name : {"code", "redirect_uri", "code_verifier"}) {
        if (f.value(QLatin1String(name)).isEmpty())
            return oauthError(QStringLiteral("invalid_request"),
                              QStringLiteral("%1 is missing.").arg(QLatin1String(name)));
    }
    const QByteArray code = f.value(QStringLiteral("code")).toLatin1();
    AuthorizationGrant grant;
    switch (m_context.tokens.redeemCode(code, &grant)) {
    case TokenStore::CodeOutcome::Unknown:
        return invalidGrant(QStringLiteral("The authorization code is not valid."));
    case TokenStore::CodeOutcome::Expired:
        return invalidGrant(QStringLiteral("The authorization code has expired."));
    case TokenStore::CodeOutcome::AlreadyUsed:
        return invalidGrant(QStringLiteral("The authorization code was already used; what it issued is revoked."));
    case TokenStore::CodeOutcome::Failed:
        return Reply::unavailable(QStringLiteral("The authorization code could not be redeemed; try again."));
    case TokenStore::CodeOutcome::Valid:
        break;
    }
    if (grant.clientId != f.value(QStringLiteral("client_id")))
        return invalidGrant(QStringLiteral("The authorization code was issued to another client."));
    if (grant.redirectUri != f.value(QStringLiteral("redirect_uri")))
        return invalidGrant(QStringLiteral("redirect_uri does not match the authorization request."));
    if (!Pkce::matches(f.value(QStringLiteral("code_verifier")).toLatin1(), grant.codeChallenge.toLatin1()))
        return invalidGrant(QStringLiteral("code_verifier does not match the code_challenge."));
    // After the checks, so only the client the code belongs to meets it; the
    // code is spent, as when a server fails half-way, so the app signs in again.
    if (QaFaults::honoured(m_context.config.qaMode, grant.qaFault) == QaFaults::Fault::TokenEndpointDown)
        return QaFaults::unavailable(QStringLiteral("The token endpoint is down."));

    const auto account = m_context.accounts.findByIdentity(grant.identity);
    if (!account)
        return onboardingResponse(code, grant);
    const bool offline = grant.scope.split(u' ').contains(QLatin1String("offline_access"));
    QByteArray refresh;
    const auto family = m_context.tokens.createFamily(account->id, grant.clientId, grant.scope, grant.authTime,
                                                      offline ? &refresh : nullptr);
    // The code is spent either way: the app starts a new sign-in.
    if (!family || !m_context.tokens.recordCodeResult(code, family->id, {}))
        return Reply::unavailable(QStringLiteral("The session could not be saved; sign in again."));
    const QString provider = m_context.providers.displayName(grant.identity.providerId);
    return Reply::json(m_context.issuer.tokenResponse(
        {*account, grant.clientId, grant.scope, family->sessionId, grant.nonce, provider, grant.authTime, refresh}));
}

QHttpServerResponse TokenEndpoint::onboardingResponse(const QByteArray &code, const AuthorizationGrant &grant)
{
    QJsonObject claims{
        {QLatin1String(Claim::Nonce), grant.nonce},
        {QLatin1String(Claim::Provider), m_context.providers.displayName(grant.identity.providerId)},
        {QLatin1String(Claim::ProviderId), grant.identity.providerId},
        {QLatin1String(Claim::ProviderUserId), grant.identity.providerUserId},
        {QLatin1String(Claim::EmailVerified), grant.emailVerified},
        {QLatin1String(Claim::CodeChallenge), grant.codeChallenge},
        {QLatin1String(Claim::Scope), grant.scope},
        {QLatin1String(Claim::AuthTime), double(grant.authTime)},
    };
    if (!grant.email.isEmpty())
        claims.insert(QLatin1String(Claim::Email), grant.email);
    if (!grant.name.isEmpty())
        claims.insert(QLatin1String(Claim::Name), grant.name);
    const QString username = m_context.suggester.preferred(grant.upstreamUsername, grant.name, grant.email);
    if (!username.isEmpty())
        claims.insert(QLatin1String(Claim::PreferredUsername), username);
    const QaFaults::Fault fault = QaFaults::honoured(m_context.config.qaMode, grant.qaFault);
    if (fault != QaFaults::Fault::None) // the onboarding endpoints obey it from the token
        claims.insert(QLatin1String(Claim::QaFault), grant.qaFault);
    const int lifetime = fault == QaFaults::Fault::OnboardingExpires30s ? QaFaults::ShortOnboardingLifetime
                                                                        : Protocol::OnboardingTokenLifetimeSeconds;
    QString jti;
    const QByteArray token = m_context.issuer.onboardingToken(claims, grant.clientId, &jti, lifetime);
    // Unrecorded, a replay of the code could not revoke what the token leads to.
    if (!m_context.tokens.recordCodeResult(code, {}, jti))
        return Reply::unavailable(QStringLiteral("The sign-in could not be saved; sign in again."));
    return Reply::json(QJsonObject{{QLatin1String(TokenField::OnboardingToken), QString::fromLatin1(token)},
                                   {QLatin1String(TokenField::TokenType), QLatin1String(Protocol::TokenTypeOnboarding)},
                                   {QLatin1String(TokenField::ExpiresIn), lifetime}});
}

QHttpServerResponse TokenEndpoint::refreshToken(const Fields &f)
{
    const QByteArray presented = f.value(QStringLiteral("refresh_token")).toLatin1();
    if (presented.isEmpty())
        return oauthError(QStringLiteral("invalid_request"), QStringLiteral("refresh_token is missing."));
    const QStringList asked = f.value(QStringLiteral("scope")).split(u' ', Qt::SkipEmptyParts);
    TokenFamily family;
    QByteArray next;
    switch (m_context.tokens.rotate(presented, f.value(QStringLiteral("client_id")), asked, &family, &next)) {
    case TokenStore::RefreshOutcome::Rotated:
        break;
    case TokenStore::RefreshOutcome::Reused:
        return invalidGrant(QStringLiteral("The refresh token was already used; the session is revoked."));
    case TokenStore::RefreshOutcome::Revoked:
        return invalidGrant(QStringLiteral("The session was revoked."));
    case TokenStore::RefreshOutcome::Expired:
        return invalidGrant(QStringLiteral("The refresh token has expired."));
    case TokenStore::RefreshOutcome::Unknown:
    case TokenStore::RefreshOutcome::WrongClient:
        return invalidGrant(QStringLiteral("The refresh token is not valid."));
    case TokenStore::RefreshOutcome::ScopeNotGranted:
        return oauthError(QStringLiteral("invalid_scope"),
                          QStringLiteral("The requested scope exceeds what this session was granted."));
    case TokenStore::RefreshOutcome::Failed:
        return Reply::unavailable(QStringLiteral("The session could not be refreshed; try again."));
    }
    const QString scope = asked.isEmpty() ? family.scope : asked.join(u' ');
    const auto account = m_context.accounts.findById(family.accountId);
    if (!account)
        return invalidGrant(QStringLiteral("The account no longer exists."));
    // No new ID token (OIDC Core 12.2 allows leaving it out): the person did not
    // authenticate again, and signing one would halve the grants per second.
    // Clients refresh the profile through userinfo.
    return Reply::json(m_context.issuer.tokenResponse(
        {*account, family.clientId, scope, family.sessionId, {}, {}, family.authTime, next, false}));
}
