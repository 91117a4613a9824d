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
    // `upstreamProvider`: the `provider` extension of PROTOCOL.md 4, which
    // skips the server's chooser; empty: not sent.
    QUrl url(const ProviderMetadata &provider, const QString &clientId, const QString &scope,
             const QString &loginHint = {}, const QString &upstreamProvider = {}) const;
};
