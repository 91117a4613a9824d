#pragma once

#include "LoopbackReceiver.h"
#include "Protocol.h"
#include "RefreshLock.h"
#include "Settings.h"
#include "TokenValidator.h"

#include <QString>

// How the client signs in: which provider, as which client, and how it
// reaches the browser.
struct ClientConfig
{
    QString issuer = Settings::Issuer.defaultValue();
    QString clientId = Settings::ClientId.defaultValue();
    QString scope = QLatin1String(Protocol::DefaultScope);
    // "program args %u"; empty: the system browser. The UI launches it
    // (SessionManager::authorizeWithBrowser).
    QString browserCommand;
    int browserTimeoutMs = LoopbackReceiver::DefaultTimeoutMs;
    // How often a locked or missing keychain is tried again while signed out.
    int keychainRetryMs = 15000;
    // Lock file shared by every running instance, so only one refreshes at a time.
    QString refreshLockPath;
    // After how long without a sign of life from its holder the lock is taken over.
    int refreshLockStaleMs = RefreshLock::DefaultStaleMs;
    // A failed renewal is tried again after this, doubling up to the maximum.
    int renewalRetryMs = 5000;
    int renewalRetryMaxMs = 300000;
    // How often the wall clock is compared with the next renewal: timers
    // stand still while the machine sleeps.
    int clockCheckMs = 30000;
    TokenValidator::Clock clock = &TokenValidator::systemTime;
};
