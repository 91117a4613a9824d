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

// An identity at an upstream provider, e.g. ("github", "583231").
struct UpstreamIdentity
{
    QString providerId;
    QString providerUserId;
};
