#pragma once

#include <QString>

// A Latchkey account as stored; `id` is the stable opaque `sub`.
struct Account
{
    QString id;
    QString username;
    QString name;
    QString email;
    bool emailVerified = false;
};

// An identity at an upstream provider, e.g. ("github", "583231",
// "https://github.com"). The issuer is the one the provider had when the
// identity was proved: a provider id pointed at another issuer matches none
// of the old one's identities (PROTOCOL.md 4).
struct UpstreamIdentity
{
    QString providerId; // the provider's identity key (ProviderDirectory::Entry::identityKey)
    QString providerUserId;
    QString upstreamIssuer;
};

// An identity as linked to an account: what its sign-in methods show.
struct LinkedIdentity
{
    UpstreamIdentity identity;
    QString email;
    qint64 linkedAt = 0;
};
