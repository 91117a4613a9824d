#pragma once

#include "ProviderMetadata.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

// The secrets of one authorization request (RFC 8252 with PKCE S256):
// made fresh for every attempt, including "open the browser again".
struct AuthorizationSession
{
    QByteArray verifier;
    QByteArray challenge;
    QString state;
    QString nonce;
    QString redirectUri;

    static AuthorizationSession create(const QString &redirectUri);
    // The configured scope as sent to this provider: offline_access only
    // when it lists it in scopes_supported.
    static QString scopeFor(const ProviderMetadata &provider, const QString &scope);
    // Whether the request carries prompt=consent (for offline_access).
    static bool asksConsent(const ProviderMetadata &provider, const QString &scope);
    // What an authorization request carries beyond the standard parameters.
    struct Extras
    {
        QString loginHint;
        // The `provider` extension of PROTOCOL.md 4, which skips the server's chooser.
        QString upstreamProvider;
        // The `link_id` extension (PROTOCOL.md 6.5): this sign-in confirms a pending link.
        QString linkId;
        // "login" or "select_account"; sent only where the provider lists it
        // in prompt_values_supported, beside a "consent" of asksConsent().
        QString prompt;
    };
    // Each empty member of `extras` is not sent.
    QUrl url(const ProviderMetadata &provider, const QString &clientId, const QString &scope,
             const Extras &extras = {}) const;
};
