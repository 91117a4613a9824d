#pragma once

#include "StoredSession.h"

class VaultJob;

// Where SessionManager keeps a session between runs. TokenVault is the real
// one (the OS keychain plus the settings); tests of the session's steps use
// an in-memory one, so a transition can be checked without a keychain.
// Jobs run in the order asked and delete themselves after finished().
class SessionVault
{
public:
    virtual ~SessionVault() = default;

    virtual VaultJob *save(const AccountProfile &account, const StoredSession &session) = 0;
    virtual VaultJob *load(const AccountProfile &account) = 0;
    virtual VaultJob *remove(const AccountProfile &account) = 0;

    // The account last signed in here (facts only), or an invalid profile.
    virtual AccountProfile currentAccount() const = 0;
    virtual void setCurrentAccount(const AccountProfile &account) = 0;
    virtual void forgetCurrentAccount() = 0;
    // Whether the next sign-in lets the person pick another account at the
    // provider (after a sign-out, PROTOCOL.md 8).
    virtual bool selectsAccountNext() const = 0;
    virtual void setSelectsAccountNext(bool select) = 0;
};
