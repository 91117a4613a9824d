#include "TokenEndpoint.h"

#include "AccountStore.h"
#include "ClaimNames.h"
#include "ClientForm.h"
#include "ClientRegistry.h"
#include "DeviceGrantStore.h"
#include "ErrorCodes.h"
#include "FormData.h"
#include "HttpServer.h"
#include "Protocol.h"
#include "ProviderDirectory.h"
#include "Reply.h"
#include "ServerContext.h"
#include "ServerLogging.h"
#include "TokenIssuer.h"
#include "TokenStore.h"
#include "UsernameSuggester.h"

TokenEndpoint::TokenEndpoint(ServerContext &context)
    : m_context(context)
{
}

void TokenEndpoint::registerRoutes(HttpServer &server)
{
    server.route(QStringLiteral("/token"), QHttpServerRequest::Method::Post,
                 [this](const QHttpServerRequest &r) { return Reply::from(token(r)); });
}

Result<QJsonObject> TokenEndpoint::token(const QHttpServerRequest &request)
{
    const auto fields = ClientForm::of(request, m_context.clients);
    if (!fields)
        return fields.error();
    const QString clientId = fields->value(QStringLiteral("client_id"));
    const QString grantType = fields->value(QStringLiteral("grant_type"));
    if (grantType.isEmpty())
        return ServerError::invalidRequest(QStringLiteral("grant_type is missing."));
    if (grantType == QLatin1String("authorization_code"))
        return authorizationCode(*fields);
    if (grantType == QLatin1String("refresh_token"))
        return refreshToken(*fields);
    if (grantType == QLatin1String(Protocol::DeviceCodeGrantType))
        return deviceCode(*fields);
    return ServerError{ErrorCode::UnsupportedGrantType,
                       QStringLiteral("grant_type \"%1\" is not supported.").arg(grantType), 400};
}

Result<QJsonObject> TokenEndpoint::authorizationCode(const Fields &f)
{
    for (const char *name : {"code", "redirect_uri", "code_verifier"}) {
        if (f.value(QLatin1String(name)).isEmpty())
            return ServerError::invalidRequest(QStringLiteral("%1 is missing.").arg(QLatin1String(name)));
    }
    // A device grant's code is redeemed by its poll only (PROTOCOL.md 10).
    if (f.value(QStringLiteral("redirect_uri")) == QLatin1String(Protocol::DeviceCodeGrantType))
        return ServerError::invalidGrant(QStringLiteral("redirect_uri does not match the authorization request."));
    const QByteArray code = f.value(QStringLiteral("code")).toLatin1();
    const CodePresentation presented{f.value(QStringLiteral("client_id")), f.value(QStringLiteral("redirect_uri")),
                                     f.value(QStringLiteral("code_verifier")).toLatin1()};
    QJsonObject answer;
    const auto grant = m_context.tokens.exchangeCode(code, presented,
                                                     [&](const AuthorizationGrant &g) { return issue(g, &answer); });
    if (!grant)
        return grant.error();
    return answer;
}

// RFC 8628 3.5: every answer but the last is a 400 the device keeps polling
// through (authorization_pending, slow_down) or stops at. Once the person
// approved, the device code redeems the code the approval made, as
// authorization_code does: exactly one answer of section 5.1, and a second
// poll is a replayed code (invalid_grant, and what the first issued is revoked).
Result<QJsonObject> TokenEndpoint::deviceCode(const Fields &f)
{
    const QByteArray deviceCode = f.value(QStringLiteral("device_code")).toLatin1();
    if (deviceCode.isEmpty())
        return ServerError::invalidRequest(QStringLiteral("device_code is missing."));
    const QString clientId = f.value(QStringLiteral("client_id"));
    const auto poll = m_context.devices.poll(deviceCode, clientId);
    if (!poll)
        return poll.error();
    using Poll = DeviceGrantStore::Poll;
    switch (*poll) {
    case Poll::Unknown:
        return ServerError::invalidGrant(QStringLiteral("The device code is not valid."));
    case Poll::Expired:
        return ServerError{ErrorCode::ExpiredToken,
                           QStringLiteral("The device code has expired; start signing in again.")};
    case Poll::SlowDown:
        return ServerError{ErrorCode::SlowDown,
                           QStringLiteral("Polled too soon: wait %1 seconds more between polls.")
                               .arg(Protocol::DeviceSlowDownSeconds)};
    case Poll::Pending:
        return ServerError{ErrorCode::AuthorizationPending,
                           QStringLiteral("The person has not finished signing in yet.")};
    case Poll::Denied:
        return ServerError{ErrorCode::AccessDenied, QStringLiteral("The person refused this sign-in.")};
    case Poll::Approved:
        break;
    }
    const CodePresentation presented{clientId, QLatin1String(Protocol::DeviceCodeGrantType), deviceCode};
    QJsonObject answer;
    const auto grant = m_context.tokens.exchangeCode(deviceCode, presented,
                                                     [&](const AuthorizationGrant &g) { return issue(g, &answer); });
    if (!grant && grant.error().code == ErrorCode::InvalidGrant) {
        // The approval's code is spent: this device code was answered once already.
        ServerError used = grant.error();
        used.description = QStringLiteral("The device code was already used; what it issued is revoked.");
        return used;
    }
    if (!grant)
        return grant.error();
    m_context.metrics.countDeviceGrant(Metrics::DeviceGrant::Issued);
    qCInfo(lcDevice, "a device sign-in issued its %s",
           answer.contains(QLatin1String(TokenField::OnboardingToken)) ? "onboarding token" : "tokens");
    return answer;
}

// Inside the code's transaction: a session for a known identity, an
// onboarding token for a new one; the code records which.
Result<CodeResult> TokenEndpoint::issue(const AuthorizationGrant &grant, QJsonObject *answer)
{
    // A code issued before identities recorded their issuer (schema 7): its
    // identity cannot be told apart from another provider's. Signing in again costs seconds.
    if (grant.identity.upstreamIssuer.isEmpty())
        return ServerError::invalidGrant(
            QStringLiteral("The authorization code predates a server upgrade; sign in again."));
    const auto account = m_context.accounts.findByIdentity(grant.identity);
    if (!account)
        return account.error();
    if (!*account)
        return onboardingResponse(grant, answer);
    const bool offline = grant.scope.split(u' ').contains(QLatin1String("offline_access"));
    QByteArray refresh;
    const auto family = m_context.tokens.createFamily((*account)->id, grant.clientId, grant.scope, grant.authTime,
                                                      offline ? &refresh : nullptr);
    if (!family)
        return family.error();
    const QString provider = m_context.providers.displayName(grant.identity.providerId);
    *answer = m_context.issuer.tokenResponse(
        {**account, grant.clientId, grant.scope, family->sessionId, grant.nonce, provider, grant.authTime, refresh});
    // PROTOCOL.md 6.5: the sign-in that confirmed a link says which provider it added.
    if (const auto *linked = m_context.providers.find(grant.linkedProvider))
        answer->insert(QLatin1String("linked_provider"),
                       QJsonObject{{QLatin1String("id"), linked->id}, {QLatin1String("name"), linked->name}});
    return CodeResult{family->id, {}};
}

Result<CodeResult> TokenEndpoint::onboardingResponse(const AuthorizationGrant &grant, QJsonObject *answer)
{
    QJsonObject claims{
        {QLatin1String(Claim::Provider), m_context.providers.displayName(grant.identity.providerId)},
        {QLatin1String(Claim::ProviderId), grant.identity.providerId},
        {QLatin1String(Claim::ProviderUserId), grant.identity.providerUserId},
        {QLatin1String(Claim::EmailVerified), grant.emailVerified},
        {QLatin1String(Claim::CodeChallenge), grant.codeChallenge},
        {QLatin1String(Claim::Scope), grant.scope},
        {QLatin1String(Claim::AuthTime), double(grant.authTime)},
    };
    // PROTOCOL.md 10: a device grant's onboarding token carries no nonce.
    if (!grant.nonce.isEmpty())
        claims.insert(QLatin1String(Claim::Nonce), grant.nonce);
    if (!grant.email.isEmpty())
        claims.insert(QLatin1String(Claim::Email), grant.email);
    if (!grant.name.isEmpty())
        claims.insert(QLatin1String(Claim::Name), grant.name);
    const QString username = m_context.suggester.preferred(grant.upstreamUsername, grant.name, grant.email);
    if (!username.isEmpty())
        claims.insert(QLatin1String(Claim::PreferredUsername), username);
    QString jti;
    const QByteArray token = m_context.issuer.onboardingToken(claims, grant.clientId, &jti);
    *answer = QJsonObject{{QLatin1String(TokenField::OnboardingToken), QString::fromLatin1(token)},
                          {QLatin1String(TokenField::TokenType), QLatin1String(Protocol::TokenTypeOnboarding)},
                          {QLatin1String(TokenField::ExpiresIn), Protocol::OnboardingTokenLifetimeSeconds}};
    return CodeResult{{}, jti};
}

Result<QJsonObject> TokenEndpoint::refreshToken(const Fields &f)
{
    Metrics::Refresh outcome = Metrics::Refresh::Invalid;
    auto answer = rotate(f, &outcome);
    m_context.metrics.countRefresh(outcome);
    return answer;
}

Result<QJsonObject> TokenEndpoint::rotate(const Fields &f, Metrics::Refresh *outcome)
{
    const QByteArray presented = f.value(QStringLiteral("refresh_token")).toLatin1();
    if (presented.isEmpty())
        return ServerError::invalidRequest(QStringLiteral("refresh_token is missing."));
    const QStringList asked = f.value(QStringLiteral("scope")).split(u' ', Qt::SkipEmptyParts);
    const auto rotation = m_context.tokens.rotate(presented, f.value(QStringLiteral("client_id")), asked, outcome);
    if (!rotation)
        return rotation.error();
    const TokenFamily &family = rotation->family;
    const QString scope = asked.isEmpty() ? family.scope : asked.join(u' ');
    // Rotated, yet no answer: counted by why.
    const auto account = m_context.accounts.findById(family.accountId);
    if (!account) {
        *outcome = Metrics::Refresh::Unavailable;
        return account.error();
    }
    if (!*account) {
        *outcome = Metrics::Refresh::Invalid;
        return ServerError::invalidGrant(QStringLiteral("The account no longer exists."));
    }
    // No new ID token (OIDC Core 12.2 allows leaving it out): the person did not
    // authenticate again, and signing one would halve the grants per second.
    // Clients refresh the profile through userinfo.
    return m_context.issuer.tokenResponse(
        {**account, family.clientId, scope, family.sessionId, {}, {}, family.authTime, rotation->next, false});
}
