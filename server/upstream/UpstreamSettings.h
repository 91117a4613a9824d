#pragma once

#include <QByteArray>
#include <QHash>
#include <QLatin1String>
#include <QString>
#include <QStringList>
#include <QUrl>

// One upstream identity provider as the providers file configures it
// (docs/server.md, "Real upstream providers"). Checked by ProvidersFile before use.
struct UpstreamSettings
{
    // The types the providers file knows; ConnectorRegistry says which of them
    // (and which others) this server can make connectors for.
    static constexpr QLatin1String OidcType{"oidc"};
    static constexpr QLatin1String OAuth2Type{"oauth2"};
    static constexpr QLatin1String SimulatedType{"simulated"}; // QA mode only
    enum class ClientAuth { SecretBasic, SecretPost };

    QString id;   // [a-z0-9-], also the callback path /upstream/<id>/callback
    QString name; // shown on the sign-in page and in the app
    QString type = OidcType;
    QString issuer;             // oidc: discovery comes from here
    QUrl authorizationEndpoint; // oauth2
    QUrl tokenEndpoint;         // oauth2
    QUrl userinfoEndpoint;      // oauth2 (required), oidc (from discovery)
    QUrl emailsEndpoint;        // oauth2, optional: a GitHub-style address list
    QString clientId;
    QByteArray clientSecret; // from client_secret_file or the environment, never the JSON
    QStringList scopes;
    // oauth2: our claim name -> the user-info field holding it.
    QHash<QString, QString> claims;
    // oauth2: the app's sign-in hint (UpstreamHints::names()) -> the name of
    // the provider's equivalent parameter; a hint not named is not sent. An
    // oidc provider takes all of them under their standard names.
    QHash<QString, QString> forwardParameters;
    // oidc: the prompt values it accepts (providers file "prompt_values");
    // unset: what its discovery lists, else "login" only.
    QStringList promptValues;
    bool promptValuesSet = false;
    bool pkce = true;
    ClientAuth clientAuth = ClientAuth::SecretBasic;
};
