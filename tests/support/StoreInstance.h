#pragma once

#include "AccountStore.h"
#include "Clock.h"
#include "Database.h"
#include "DatabaseUrl.h"
#include "DeviceGrantStore.h"
#include "KeyCipher.h"
#include "LinkStore.h"
#include "OnboardingStore.h"
#include "SignInStore.h"
#include "TokenStore.h"

#include <QtGlobal>

// One server instance's storage on a database several share, as behind a
// load balancer: its own connection (so its own transactions), its own clock
// and every store. A connection serves the thread that opened it: make an
// instance in the thread that uses it.
struct StoreInstance
{
    static constexpr int MaxPendingPerAddress = 3;
    // Not the server's default of 10 000: the store must take the cap it is given.
    static constexpr int MaxPending = 1000;

    explicit StoreInstance(const DatabaseUrl &url)
    {
        const auto connected = db.connect(url);
        const auto migrated = connected ? db.migrate() : Result<bool>(connected.error());
        ok = migrated.ok();
        if (!ok)
            qWarning("store instance: %s", qPrintable(migrated.error().description));
    }
    Clock clock;
    Database db;
    bool ok = false;
    const KeyCipher cipher{QByteArray(KeyCipher::KeySize, 'k')};
    AccountStore accounts{db, clock};
    TokenStore tokens{db, clock};
    OnboardingStore onboardings{db, clock, accounts, tokens};
    LinkStore links{db, clock, accounts};
    DeviceGrantStore devices{db, clock};
    SignInStore signIns{db, clock, cipher, MaxPendingPerAddress, MaxPending};
};
