#pragma once

#include "AccessTokenVerifier.h"
#include "OnboardingTokenVerifier.h"
#include "ProviderDirectory.h"
#include "RateLimiter.h"
#include "Result.h"

#include <QHttpServerResponse>
#include <QJsonObject>

class HttpServer;
class QHttpServerRequest;
struct ServerContext;

// Linking sign-in methods (PROTOCOL.md 6.5): link requests, from an
// onboarding token whose email another account holds or from a signed-in
// session, and the session's sign-in methods, listed and removed. The link
// itself happens at the end of the sign-in that presents the link_id
// (UpstreamEndpoint).
class LinkEndpoint
{
public:
    explicit LinkEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

private:
    Result<QJsonObject> linkRequest(const QHttpServerRequest &request);
    Result<QJsonObject> fromOnboarding(const QJsonObject &body);
    Result<QJsonObject> fromSession(const QHttpServerRequest &request, const QJsonObject &body);
    Result<QJsonObject> created(const QByteArray &linkId, const QList<const ProviderDirectory::Entry *> &providers);
    Result<QJsonObject> identities(const QHttpServerRequest &request);
    Result<QJsonObject> remove(const QHttpServerRequest &request, const ProviderDirectory::Entry &provider);
    Result<QJsonObject> identitiesOf(const QString &accountId);

    ServerContext &m_context;
    RateLimiter &m_limiter; // shared by the worker threads
    OnboardingTokenVerifier m_onboardingTokens;
    AccessTokenVerifier m_accessTokens;
};
