#pragma once

#include "UpstreamProviderInfo.h"

#include <QList>
#include <QString>

// A pending link (PROTOCOL.md 6.5): the server's single-use link_id and the
// providers where the account it is bound to signs in. The next sign-in,
// with `provider` and `link_id`, confirms it.
struct PendingLink
{
    QString linkId;
    qint64 expiresIn = 0;
    // From email_in_use: where the existing account signs in; from a
    // session: empty (the provider being added is the one signed in with).
    QList<UpstreamProviderInfo> providers;

    bool isValid() const { return !linkId.isEmpty(); }
};
