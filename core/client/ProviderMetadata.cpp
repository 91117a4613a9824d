#include "ProviderMetadata.h"

#include "Protocol.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>

namespace {
QUrl endpoint(const QJsonObject &document, const char *key)
{
    const QUrl url(document.value(QLatin1String(key)).toString(), QUrl::StrictMode);
    return url.isValid() && (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http")) ? url
                                                                                                              : QUrl();
}

// A name from the server ends up on a button: one line of printable
// characters (no controls, no bidi overrides), cut at a length a layout holds.
QString displayName(const QString &raw)
{
    QList<uint> points = raw.simplified().toUcs4();
    points.removeIf([](uint c) { return !QChar::isPrint(char32_t(c)); });
    points
        = QString::fromUcs4(reinterpret_cast<const char32_t *>(points.constData()), points.size()).simplified().toUcs4();
    if (points.size() > ProviderMetadata::MaxUpstreamNameLength) {
        points.resize(ProviderMetadata::MaxUpstreamNameLength - 1);
        points.append(0x2026); // …
    }
    return QString::fromUcs4(reinterpret_cast<const char32_t *>(points.constData()), points.size());
}

QStringList strings(const QJsonValue &value)
{
    QStringList list;
    const QJsonArray entries = value.toArray();
    for (const QJsonValue &entry : entries) {
        if (entry.isString())
            list.append(entry.toString());
    }
    return list;
}

// The document's URL that is not https (nor loopback http), if any.
QString insecureEndpoint(const QJsonObject &document)
{
    for (const char *key : {"authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint",
                            "revocation_endpoint", "op_tos_uri", "op_policy_uri", "end_session_endpoint",
                            Protocol::OnboardingEndpointKey, Protocol::UsernameCheckEndpointKey}) {
        const QUrl url(document.value(QLatin1String(key)).toString());
        if (url.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) == 0
            && !ProviderMetadata::isSecureTransport(url))
            return url.toDisplayString();
    }
    return {};
}

} // namespace

bool ProviderMetadata::isSecureTransport(const QUrl &url)
{
    if (!url.isValid())
        return false;
    if (url.scheme() == QLatin1String("https"))
        return true;
    // An IP literal only: a name such as "localhost" may resolve elsewhere.
    const QHostAddress host(url.host());
    return url.scheme() == QLatin1String("http") && !host.isNull() && host.isLoopback();
}

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
    if (!isSecureTransport(QUrl(m.issuer))) {
        *problem = insecureIssuerProblem(m.issuer);
        return std::nullopt;
    }
    const QString insecure = insecureEndpoint(document);
    if (!insecure.isEmpty()) {
        *problem = tr("The server names an address without encryption (%1). Latchkey only uses https, except on "
                      "this computer.")
                       .arg(insecure);
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
    m.scopesSupported = strings(document.value(QLatin1String("scopes_supported")));
    m.promptValuesSupported = strings(document.value(QLatin1String("prompt_values_supported")));
    m.issParameterSupported = document.value(QLatin1String("authorization_response_iss_parameter_supported")).toBool();
    const bool onboarding = document.value(QLatin1String(Protocol::OnboardingTokenTypesKey))
                                .toArray()
                                .contains(QLatin1String(Protocol::TokenTypeOnboarding));
    if (onboarding) {
        m.onboardingEndpoint = endpoint(document, Protocol::OnboardingEndpointKey);
        m.usernameCheckEndpoint = endpoint(document, Protocol::UsernameCheckEndpointKey);
    }
    m.upstreamProviders = parseUpstreamProviders(document.value(QLatin1String("upstream_providers")));
    m.linkRequestEndpoint = endpoint(document, Protocol::LinkRequestEndpointKey);
    m.identitiesEndpoint = endpoint(document, Protocol::IdentitiesEndpointKey);
    m.deviceAuthorizationEndpoint = endpoint(document, Protocol::DeviceAuthorizationEndpointKey);
    return m;
}

QString ProviderMetadata::insecureIssuerProblem(const QString &issuer)
{
    return tr("\"%1\" uses plain http. Latchkey only signs in over https, except to a server on this computer "
              "(127.0.0.1 or [::1]).")
        .arg(issuer);
}

bool ProviderMetadata::listsUpstreamProvider(const QString &id) const
{
    return std::any_of(upstreamProviders.cbegin(), upstreamProviders.cend(),
                       [&id](const UpstreamProviderInfo &p) { return p.id == id; });
}

QString ProviderMetadata::upstreamProviderName(const QString &id) const
{
    for (const UpstreamProviderInfo &p : upstreamProviders) {
        if (p.id == id)
            return p.name;
    }
    return id;
}

// Only an extension: a bad entry, or a bad list, costs the buttons it would
// have made, never the sign-in itself.
QList<UpstreamProviderInfo> ProviderMetadata::parseUpstreamProviders(const QJsonValue &value)
{
    static const QRegularExpression validId(QRegularExpression::anchoredPattern(QStringLiteral("[a-z0-9._-]{1,64}")));
    QList<UpstreamProviderInfo> providers;
    const QJsonArray entries = value.toArray(); // not an array: none
    for (const QJsonValue &entry : entries) {
        if (providers.size() == MaxUpstreamProviders)
            break;
        const QJsonValue id = entry.toObject().value(QLatin1String("id"));
        const QJsonValue name = entry.toObject().value(QLatin1String("name"));
        if (!id.isString() || !name.isString() || !validId.match(id.toString()).hasMatch())
            continue;
        const UpstreamProviderInfo provider{id.toString(), displayName(name.toString())};
        // A repeated id would make two buttons for one provider.
        const bool repeated = std::any_of(providers.cbegin(), providers.cend(),
                                          [&provider](const UpstreamProviderInfo &p) { return p.id == provider.id; });
        if (!provider.name.isEmpty() && !repeated)
            providers.append(provider);
    }
    return providers;
}
