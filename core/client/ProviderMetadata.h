#pragma once

#include "UpstreamProviderInfo.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

// What the client uses of an OpenID Provider's discovery document. The
// extensions (onboarding, upstream providers) are present only when the
// provider advertises them.
struct ProviderMetadata
{
    Q_DECLARE_TR_FUNCTIONS(ProviderMetadata)
public:
    QString issuer;
    QUrl authorizationEndpoint;
    QUrl tokenEndpoint;
    QUrl userinfoEndpoint;
    QUrl jwksUri;
    QUrl revocationEndpoint;
    QUrl termsOfService;
    QUrl onboardingEndpoint;
    QUrl usernameCheckEndpoint;
    // The linking extension (PROTOCOL.md 6.5); empty at a standard OP.
    QUrl linkRequestEndpoint;
    QUrl identitiesEndpoint;
    QUrl deviceAuthorizationEndpoint; // RFC 8628; empty: no device sign-in
    bool issParameterSupported = false;
    // `scopes_supported`; empty when the provider does not say.
    QStringList scopesSupported;
    // `prompt_values_supported`; empty when the provider does not say.
    QStringList promptValuesSupported;
    // In the server's display order; empty at a standard OP.
    QList<UpstreamProviderInfo> upstreamProviders;

    static constexpr int MaxUpstreamProviders = 20;
    static constexpr int MaxUpstreamNameLength = 80;

    bool supportsOnboarding() const { return onboardingEndpoint.isValid() && !onboardingEndpoint.isEmpty(); }
    bool listsUpstreamProvider(const QString &id) const;
    // Linking from email_in_use and managing sign-in methods both need both endpoints.
    bool supportsLinking() const { return !linkRequestEndpoint.isEmpty() && !identitiesEndpoint.isEmpty(); }
    // The name upstream_providers gives `id`; `id` itself when it lists none.
    QString upstreamProviderName(const QString &id) const;

    // https, or http to a loopback IP literal (127.0.0.0/8, [::1]) on this
    // computer: tokens never travel in clear text over a network.
    static bool isSecureTransport(const QUrl &url);
    // Why an issuer failing isSecureTransport() is refused, for people.
    static QString insecureIssuerProblem(const QString &issuer);

    // Checks the document against the configured issuer; on failure says why.
    static std::optional<ProviderMetadata> fromDiscovery(const QJsonObject &document, const QString &expectedIssuer,
                                                         QString *problem);
    // The usable entries of `upstream_providers`; anything malformed is left out.
    static QList<UpstreamProviderInfo> parseUpstreamProviders(const QJsonValue &value);
};
