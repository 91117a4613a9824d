#pragma once

#include <QByteArray>
#include <QString>

// The secrets of one sign-in towards an upstream provider, kept by the
// broker between sending the browser there and its return.
struct UpstreamAttempt
{
    QString state;
    QString nonce;       // oidc only
    QByteArray verifier; // PKCE; empty when the provider has PKCE turned off
    QString redirectUri; // {issuer}/upstream/<id>/callback
};
