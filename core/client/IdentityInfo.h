#pragma once

#include <QList>
#include <QString>

// One sign-in method of the account (an entry of identities_endpoint,
// PROTOCOL.md 6.5): the upstream provider and the email it knows.
struct IdentityInfo
{
    QString providerId; // "github"
    QString provider;   // "GitHub"
    QString email;
    qint64 linkedAt = 0; // UTC seconds; 0 when the server did not say

    friend bool operator==(const IdentityInfo &a, const IdentityInfo &b)
    {
        return a.providerId == b.providerId && a.provider == b.provider && a.email == b.email
            && a.linkedAt == b.linkedAt;
    }
};
