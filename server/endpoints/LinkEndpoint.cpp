#include "LinkEndpoint.h"

#include "AccountStore.h"
#include "BearerToken.h"
#include "ClaimNames.h"
#include "ClientRegistry.h"
#include "ErrorCodes.h"
#include "HttpServer.h"
#include "JsonBody.h"
#include "LinkStore.h"
#include "Protocol.h"
#include "Reply.h"
#include "ServerContext.h"
#include "ServerShared.h"

#include <QJsonArray>

namespace {

using Method = QHttpServerRequest::Method;
const QString IdentitiesPath = QStringLiteral("/api/account/identities");

QString field(const QJsonObject &body, const char *name)
{
    return body.value(QLatin1String(name)).toString();
}

ServerError unavailableLink(const QString &why)
{
    return ServerError{ErrorCode::LinkUnavailable, why, 409};
}

QJsonObject providerJson(const ProviderDirectory::Entry &entry)
{
    return {{QLatin1String("id"), entry.id}, {QLatin1String("name"), entry.name}};
}

} // namespace

LinkEndpoint::LinkEndpoint(ServerContext &context)
    : m_context(context)
    , m_limiter(context.shared.onboardsPerToken)
    , m_onboardingTokens(context)
    , m_accessTokens(context)
{
}

void LinkEndpoint::registerRoutes(HttpServer &server)
{
    server.route(QStringLiteral("/api/account/link-request"), Method::Post,
                 [this](const QHttpServerRequest &r) { return Reply::from(linkRequest(r), Reply::Status::Created); });
    server.route(IdentitiesPath, Method::Get,
                 [this](const QHttpServerRequest &r) { return Reply::from(identities(r)); });
    // One route per provider: the router matches exact paths.
    for (const auto &entry : m_context.providers.entries()) {
        const ProviderDirectory::Entry *provider = &entry;
        server.route(IdentitiesPath + u'/' + entry.id, Method::Delete,
                     [this, provider](const QHttpServerRequest &r) { return Reply::from(remove(r, *provider)); });
    }
}

Result<QJsonObject> LinkEndpoint::linkRequest(const QHttpServerRequest &request)
{
    const auto body = JsonBody::of(request);
    if (!body)
        return body.error();
    if (!BearerToken::of(request).isEmpty())
        return fromSession(request, *body);
    return fromOnboarding(*body);
}

// From email_in_use: the same proof as an onboarding (PROTOCOL.md 6.4).
Result<QJsonObject> LinkEndpoint::fromOnboarding(const QJsonObject &body)
{
    if (const auto problem
        = JsonBody::missing(body, {OnboardField::OnboardingToken, OnboardField::CodeVerifier, OnboardField::ClientId}))
        return *problem;
    const auto token = m_onboardingTokens.verify(field(body, OnboardField::OnboardingToken).toLatin1(),
                                                 field(body, OnboardField::ClientId));
    if (!token)
        return token.error();
    if (const int wait = m_limiter.acquire(QStringLiteral("link:") + token->jti))
        return ServerError::slowDown(wait);
    if (auto proved = OnboardingTokenVerifier::checkProof(*token, field(body, OnboardField::CodeVerifier).toLatin1());
        !proved)
        return proved.error();
    const auto used = m_context.tokens.onboarding(token->jti);
    if (!used)
        return used.error();
    if (*used)
        return ServerError{ErrorCode::OnboardingAlreadyCompleted,
                           QStringLiteral("This sign-in was already used. Sign in again."), 409};
    const auto grant = m_onboardingTokens.recordedGrant(*token);
    if (!grant)
        return grant.error();
    // A link is confirmed by an authorization request with a loopback
    // redirect, which a device grant's client has not got (docs/protocol-notes.md).
    if (grant->redirectUri == QLatin1String(Protocol::DeviceCodeGrantType))
        return unavailableLink(QStringLiteral("A sign-in on another device cannot be linked; sign in with the provider "
                                              "the existing account uses instead."));
    const auto holder = grant->emailVerified ? m_context.accounts.findByVerifiedEmail(grant->email)
                                             : Result<std::optional<Account>>(std::optional<Account>());
    if (!holder)
        return holder.error();
    if (!*holder)
        return unavailableLink(QStringLiteral("No account uses this sign-in's email; create one instead."));
    const auto providers = m_context.providers.usableFor(
        m_context.accounts.identitiesOf((*holder)->id).value_or(QList<LinkedIdentity>()));
    if (providers.isEmpty())
        return unavailableLink(QStringLiteral("The account that uses this email has no sign-in method here."));
    LinkRequest link;
    link.kind = LinkRequest::Kind::Pending;
    link.clientId = token->clientId;
    link.accountId = (*holder)->id;
    link.identity = grant->identity;
    link.email = grant->email;
    link.onboardingJti = token->jti;
    link.onboardingExpiresAt = qint64(token->claims.value(QLatin1String(Claim::Expiry)).toDouble());
    const auto linkId = m_context.links.create(link);
    if (!linkId)
        return linkId.error();
    return created(*linkId, providers);
}

// From a signed-in session: the provider to add (PROTOCOL.md 6.5).
Result<QJsonObject> LinkEndpoint::fromSession(const QHttpServerRequest &request, const QJsonObject &body)
{
    const auto claims = m_accessTokens.verifyRequest(request);
    if (!claims)
        return claims.error();
    if (const auto problem = JsonBody::missing(body, {OnboardField::ClientId, "provider"}))
        return *problem;
    const QString clientId = field(body, OnboardField::ClientId);
    if (!m_context.clients.isKnown(clientId) || claims->value(QLatin1String(Claim::ClientId)).toString() != clientId)
        return ServerError{ErrorCode::InvalidClient, QStringLiteral("Unknown client."), 401};
    const auto *provider = m_context.providers.find(field(body, "provider"));
    if (!provider)
        return ServerError::invalidRequest(
            QStringLiteral("There is no provider \"%1\" here.").arg(field(body, "provider").left(64)));
    if (const int wait = m_limiter.acquire(QStringLiteral("link:")
                                           + claims->value(QLatin1String(Claim::SessionId)).toString()))
        return ServerError::slowDown(wait);
    if (auto recent = m_accessTokens.requireRecentAuthentication(*claims); !recent)
        return recent.error();
    LinkRequest link;
    link.kind = LinkRequest::Kind::Add;
    link.clientId = clientId;
    link.accountId = claims->value(QLatin1String(Claim::Subject)).toString();
    link.providerId = provider->id;
    const auto linkId = m_context.links.create(link);
    if (!linkId)
        return linkId.error();
    return created(*linkId, {provider});
}

Result<QJsonObject> LinkEndpoint::created(const QByteArray &linkId,
                                          const QList<const ProviderDirectory::Entry *> &providers)
{
    QJsonArray list;
    for (const auto *entry : providers)
        list.append(providerJson(*entry));
    return QJsonObject{{QLatin1String("link_id"), QString::fromLatin1(linkId)},
                       {QLatin1String("expires_in"), LinkStore::Lifetime},
                       {QLatin1String("providers"), list}};
}

Result<QJsonObject> LinkEndpoint::identities(const QHttpServerRequest &request)
{
    const auto claims = m_accessTokens.verifyRequest(request);
    if (!claims)
        return claims.error();
    return identitiesOf(claims->value(QLatin1String(Claim::Subject)).toString());
}

// Only identities that can sign in under today's configuration: a provider
// that is gone, or now points elsewhere, is no way into the account.
Result<QJsonObject> LinkEndpoint::identitiesOf(const QString &accountId)
{
    const auto linked = m_context.accounts.identitiesOf(accountId);
    if (!linked)
        return linked.error();
    QJsonArray list;
    for (const LinkedIdentity &identity : *linked) {
        const auto *entry = m_context.providers.findByIdentity(identity.identity.providerId,
                                                               identity.identity.upstreamIssuer);
        if (!entry)
            continue;
        QJsonObject item{{QLatin1String("provider_id"), entry->id},
                         {QLatin1String("provider"), entry->name},
                         {QLatin1String("linked_at"), identity.linkedAt}};
        if (!identity.email.isEmpty())
            item.insert(QLatin1String("email"), identity.email);
        list.append(item);
    }
    return QJsonObject{{QLatin1String("identities"), list}};
}

Result<QJsonObject> LinkEndpoint::remove(const QHttpServerRequest &request, const ProviderDirectory::Entry &provider)
{
    const auto claims = m_accessTokens.verifyRequest(request);
    if (!claims)
        return claims.error();
    if (auto recent = m_accessTokens.requireRecentAuthentication(*claims); !recent)
        return recent.error();
    const QString accountId = claims->value(QLatin1String(Claim::Subject)).toString();
    QList<std::pair<QString, QString>> usable;
    for (const auto &entry : m_context.providers.entries())
        usable.append({entry.identityKey, entry.upstreamIssuer});
    const auto removed = m_context.accounts.unlink(accountId, {provider.identityKey, provider.upstreamIssuer}, usable);
    if (!removed)
        return removed.error();
    switch (*removed) {
    case AccountStore::Unlink::NotLinked:
        return ServerError{ErrorCode::NotLinked,
                           QStringLiteral("%1 is not a sign-in method of this account.").arg(provider.name), 404};
    case AccountStore::Unlink::LastIdentity:
        return ServerError{ErrorCode::LastIdentity,
                           QStringLiteral("%1 is the only way to sign in to this account; add another before "
                                          "removing it.")
                               .arg(provider.name),
                           409};
    case AccountStore::Unlink::Removed:
        break;
    }
    return identitiesOf(accountId);
}
