#pragma once

#include <QByteArray>
#include <QString>

// What the app asked of the person's sign-in (PROTOCOL.md 4), passed on
// to the upstream provider: prompt=login makes it ask again.
struct UpstreamHints
{
    QString prompt;     // "login", "select_account" or both, space-separated; empty: none
    QString loginHint;  // empty: none
    qint64 maxAge = -1; // seconds; negative: none
};

// The secrets of one sign-in towards an upstream provider, kept by the
// broker between sending the browser there and its return.
struct UpstreamAttempt
{
    QString state;
    QString nonce;       // oidc only
    QByteArray verifier; // PKCE; empty when the provider has PKCE turned off
    QString redirectUri; // {issuer}/upstream/<id>/callback
    UpstreamHints hints; // for begin() only; not kept
};
