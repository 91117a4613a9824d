#pragma once

#include "Account.h"

#include <QString>

// A link waiting for the person to prove the other identity (PROTOCOL.md 6.5).
struct LinkRequest
{
    enum class Kind {
        // From email_in_use: the onboarding token's identity joins the
        // account that holds its email, once the person signs in there.
        Pending,
        // From a signed-in session: the identity the person proves at
        // `providerId` joins the session's account.
        Add,
    };

    Kind kind = Kind::Pending;
    QString clientId;          // the only client that may use it
    QString accountId;         // the account the identity joins
    QString providerId;        // Add: the ProviderDirectory id to sign in at; Pending: unused (see identity)
    UpstreamIdentity identity; // Pending: recorded with the onboarding token's code
    QString email;             // Pending: that identity's email
    QString onboardingJti;     // Pending: consumed by the link
    qint64 onboardingExpiresAt = 0;
    qint64 expiresAt = 0;
};
