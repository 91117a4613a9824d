#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <optional>

// What the client uses of an OpenID Provider's discovery document. The
// onboarding extension is present only when the provider advertises it.
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
    bool issParameterSupported = false;

    bool supportsOnboarding() const { return onboardingEndpoint.isValid() && !onboardingEndpoint.isEmpty(); }

    // Checks the document against the configured issuer; on failure says why.
    static std::optional<ProviderMetadata> fromDiscovery(const QJsonObject &document, const QString &expectedIssuer,
                                                         QString *problem);
};
