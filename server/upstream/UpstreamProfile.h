#pragma once

#include "Account.h"

#include <QString>

// What an upstream provider tells us about the person signing in.
struct UpstreamProfile
{
    UpstreamIdentity identity; // (identity key of the provider, the user's stable id there)
    QString email;
    bool emailVerified = false; // only when the provider itself says so
    QString name;
    QString upstreamUsername; // e.g. a GitHub login
    // When the person authenticated there (OIDC auth_time); 0 when the
    // provider does not say, and the time it answered counts instead.
    qint64 authTime = 0;
    // QA mode: the fault a tester picked on a simulated provider's page, for
    // the authorization code's grant; real providers leave it empty.
    QString qaFault;
};
