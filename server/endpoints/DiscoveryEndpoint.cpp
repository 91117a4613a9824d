#include "DiscoveryEndpoint.h"

#include "HttpServer.h"
#include "KeyStore.h"
#include "PageRenderer.h"
#include "Protocol.h"
#include "ProviderDirectory.h"
#include "Reply.h"
#include "ServerConfig.h"
#include "ServerContext.h"
#include "TokenIssuer.h"

#include <QJsonArray>

namespace {

using Method = QHttpServerRequest::Method;

QJsonArray strings(std::initializer_list<const char *> values)
{
    QJsonArray array;
    for (const char *value : values)
        array.append(QLatin1String(value));
    return array;
}

QJsonObject discoveryDocument(const QString &issuer)
{
    auto at = [&issuer](const char *path) { return QString(issuer + QLatin1String(path)); };
    return QJsonObject{
        {QLatin1String("issuer"), issuer},
        {QLatin1String("authorization_endpoint"), at("/authorize")},
        {QLatin1String("token_endpoint"), at("/token")},
        {QLatin1String("userinfo_endpoint"), at("/userinfo")},
        {QLatin1String("jwks_uri"), at("/jwks.json")},
        {QLatin1String("revocation_endpoint"), at("/revoke")},
        {QLatin1String("response_types_supported"), strings({"code"})},
        {QLatin1String("response_modes_supported"), strings({"query"})},
        {QLatin1String("grant_types_supported"),
         strings({"authorization_code", "refresh_token", Protocol::DeviceCodeGrantType})},
        {QLatin1String("code_challenge_methods_supported"), strings({"S256"})},
        {QLatin1String("token_endpoint_auth_methods_supported"), strings({"none"})},
        {QLatin1String("revocation_endpoint_auth_methods_supported"), strings({"none"})},
        {QLatin1String("id_token_signing_alg_values_supported"), strings({"ES256", "RS256"})},
        {QLatin1String("scopes_supported"), strings({"openid", "profile", "email", "offline_access"})},
        {QLatin1String("claims_supported"),
         strings({"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "name", "preferred_username", "email",
                  "email_verified"})},
        {QLatin1String("subject_types_supported"), strings({"public"})},
        {QLatin1String("prompt_values_supported"), strings({"login", "select_account"})},
        {QLatin1String("authorization_response_iss_parameter_supported"), true},
        {QLatin1String("op_tos_uri"), at("/terms")},
        {QLatin1String("op_policy_uri"), at("/privacy")},
        {QLatin1String(Protocol::OnboardingEndpointKey), at("/api/account/onboard")},
        {QLatin1String(Protocol::UsernameCheckEndpointKey), at("/api/account/username-check")},
        {QLatin1String(Protocol::LinkRequestEndpointKey), at("/api/account/link-request")},
        {QLatin1String(Protocol::IdentitiesEndpointKey), at("/api/account/identities")},
        {QLatin1String(Protocol::OnboardingTokenTypesKey), strings({Protocol::TokenTypeOnboarding})},
        {QLatin1String(Protocol::DeviceAuthorizationEndpointKey), at(Protocol::DeviceAuthorizationPath)},
    };
}

} // namespace

DiscoveryEndpoint::DiscoveryEndpoint(ServerContext &context)
    : m_context(context)
{
}

void DiscoveryEndpoint::registerRoutes(HttpServer &server)
{
    server.route(QLatin1String(Protocol::DiscoveryPath), Method::Get, [this](const QHttpServerRequest &) {
        QJsonObject document = discoveryDocument(m_context.issuer.issuer());
        QJsonArray providers;
        for (const auto &entry : m_context.providers.entries())
            providers.append(QJsonObject{{QLatin1String("id"), entry.id}, {QLatin1String("name"), entry.name}});
        document.insert(QLatin1String("upstream_providers"), providers);
        return Reply::json(document);
    });
    server.route(QStringLiteral("/jwks.json"), Method::Get, [this](const QHttpServerRequest &) {
        auto response = Reply::json(m_context.keys.publishedKeys().toJson());
        // Short caching keeps rotation (published PublishLead seconds early) visible in time.
        response.setHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("public, max-age=60"));
        response.clearHeader(QByteArrayLiteral("Pragma"));
        return response;
    });
    server.route(QStringLiteral("/"), Method::Get, [this](const QHttpServerRequest &) {
        return Reply::html(PageRenderer::page(QStringLiteral("home"), QStringLiteral("Reference server"),
                                              {{QStringLiteral("issuer"), m_context.issuer.issuer()}}));
    });
    server.route(QStringLiteral("/terms"), Method::Get, [this](const QHttpServerRequest &) {
        auto response = Reply::html(PageRenderer::page(QStringLiteral("terms"), QStringLiteral("Terms of service"),
                                                       {{QStringLiteral("version"), m_context.config.termsVersion}}));
        response.addHeader(QByteArrayLiteral("Terms-Version"), m_context.config.termsVersion.toUtf8());
        return response;
    });
    server.route(QStringLiteral("/privacy"), Method::Get, [](const QHttpServerRequest &) {
        return Reply::html(PageRenderer::page(QStringLiteral("privacy"), QStringLiteral("Privacy policy"), {}));
    });
    server.route(QStringLiteral("/static/style.css"), Method::Get, [](const QHttpServerRequest &) {
        return Reply::bytes(QByteArrayLiteral("text/css; charset=utf-8"), PageRenderer::styleSheet());
    });
}
