#pragma once

#include <QByteArray>
#include <QLatin1String>
#include <QList>
#include <QString>

#include <utility>

// What the app asked of the person's sign-in (PROTOCOL.md 4), passed on
// to the upstream provider: prompt=login makes it ask again.
struct UpstreamHints
{
    // Their names in an OpenID Connect authorization request (OIDC Core
    // 3.1.2.1); an OAuth 2.0 provider's names come from its "forward_parameters".
    static constexpr QLatin1String Prompt{"prompt"};
    static constexpr QLatin1String LoginHint{"login_hint"};
    static constexpr QLatin1String MaxAge{"max_age"};
    static QList<QLatin1String> names() { return {Prompt, LoginHint, MaxAge}; }

    QString prompt;     // "login", "select_account" or both, space-separated; empty: none
    QString loginHint;  // empty: none
    qint64 maxAge = -1; // seconds; negative: none

    // (standard name, value) of each hint the app gave, none other.
    QList<std::pair<QLatin1String, QString>> given() const
    {
        QList<std::pair<QLatin1String, QString>> fields;
        if (!prompt.isEmpty())
            fields.append({Prompt, prompt});
        if (!loginHint.isEmpty())
            fields.append({LoginHint, loginHint});
        if (maxAge >= 0)
            fields.append({MaxAge, QString::number(maxAge)});
        return fields;
    }
};

// The secrets of one sign-in towards an upstream provider, kept by the
// broker between sending the browser there and its return.
struct UpstreamAttempt
{
    QString state;
    QString nonce;            // oidc only
    QByteArray verifier;      // PKCE; empty when the provider has PKCE turned off
    QString redirectUri;      // {issuer}/upstream/<id>/callback
    UpstreamHints hints = {}; // for begin() only; not kept
};
