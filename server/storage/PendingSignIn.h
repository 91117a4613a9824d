#pragma once

#include "UpstreamAttempt.h"

#include <QByteArray>
#include <QString>

// A sign-in between /authorize and the redirect back to the app (SignInStore).
struct PendingSignIn
{
    QString id;
    QString clientId;
    QString redirectUri;
    QString state;
    QString nonce;
    QString codeChallenge;
    QString scope;
    QString loginHint;
    QString prompt;     // as asked at /authorize, checked
    qint64 maxAge = -1; // negative: not asked
    QString linkId;     // PROTOCOL.md 6.5: the link this sign-in confirms; empty: none
    // PROTOCOL.md 10: the device grant (DeviceGrantStore key) this sign-in
    // approves instead of returning to an app; empty: none.
    QString deviceGrant;
    qint64 createdAt = 0;
    QString clientAddress; // who asked: caps are per address
    // Towards an upstream provider, once the person picked one.
    QString providerId;
    UpstreamAttempt upstream;
    QByteArray browserBindingHash; // of the cookie that ties the upstream's answer to this browser
    bool finished = false;
};
