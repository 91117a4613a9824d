#include "ProviderMetadata.h"

#include "Protocol.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace {
QUrl endpoint(const QJsonObject &document, const char *key)
{
    const QUrl url(document.value(QLatin1String(key)).toString(), QUrl::StrictMode);
    return url.isValid() && (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http")) ? url
                                                                                                               : QUrl();
}

} // namespace

std::optional<ProviderMetadata> ProviderMetadata::fromDiscovery(const QJsonObject &document,
                                                                const QString &expectedIssuer, QString *problem)
{
    ProviderMetadata m;
    m.issuer = document.value(QLatin1String("issuer")).toString();
    if (m.issuer != expectedIssuer) {
        *problem = tr("The server calls itself \"%1\", not \"%2\". Check the server address in the settings.")
                       .arg(m.issuer, expectedIssuer);
        return std::nullopt;
    }
    m.authorizationEndpoint = endpoint(document, "authorization_endpoint");
    m.tokenEndpoint = endpoint(document, "token_endpoint");
    m.jwksUri = endpoint(document, "jwks_uri");
    if (m.authorizationEndpoint.isEmpty() || m.tokenEndpoint.isEmpty() || m.jwksUri.isEmpty()) {
        *problem = tr("The server's discovery document lacks an authorization, token or key endpoint.");
        return std::nullopt;
    }
    const auto methods = document.value(QLatin1String("code_challenge_methods_supported"));
    if (methods.isArray() && !methods.toArray().contains(QLatin1String("S256"))) {
        *problem = tr("The server does not support PKCE with S256, which Latchkey requires.");
        return std::nullopt;
    }
    m.userinfoEndpoint = endpoint(document, "userinfo_endpoint");
    m.revocationEndpoint = endpoint(document, "revocation_endpoint");
    m.termsOfService = endpoint(document, "op_tos_uri");
    m.issParameterSupported = document.value(QLatin1String("authorization_response_iss_parameter_supported")).toBool();
    const bool onboarding = document.value(QLatin1String(Protocol::OnboardingTokenTypesKey))
                                .toArray()
                                .contains(QLatin1String(Protocol::TokenTypeOnboarding));
    if (onboarding) {
        m.onboardingEndpoint = endpoint(document, Protocol::OnboardingEndpointKey);
        m.usernameCheckEndpoint = endpoint(document, Protocol::UsernameCheckEndpointKey);
    }
    return m;
}
