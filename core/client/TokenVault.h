#pragma once

#include "StoredSession.h"
#include "VaultJob.h"

#include <QList>
#include <QObject>
#include <QPointer>

class QSettings;

// Where sessions live between runs: the tokens in the OS keychain (one entry
// per account, service "Latchkey"), the non-secret account facts in the
// settings. It never falls back to a plain file: without a keychain a
// session is simply not remembered, and the caller is told why.
// Its jobs run one after another in the order asked: a delete asked for
// while a save is under way (sign-out during a refresh) must not be
// overtaken by that save and leave the entry behind.
class TokenVault : public QObject
{
    Q_OBJECT
public:
    static constexpr char Service[] = "Latchkey";

    explicit TokenVault(QSettings *settings, QObject *parent = nullptr);

    // Jobs start when the ones asked before them have finished, and delete
    // themselves after finished().
    VaultJob *save(const AccountProfile &account, const StoredSession &session);
    VaultJob *load(const AccountProfile &account);
    VaultJob *remove(const AccountProfile &account);

    // The account last signed in here (facts only), or an invalid profile.
    AccountProfile currentAccount() const;
    void setCurrentAccount(const AccountProfile &account);
    void forgetCurrentAccount();
    // Whether the next sign-in lets the person pick another account at the
    // provider (after a sign-out, PROTOCOL.md 8).
    bool selectsAccountNext() const;
    void setSelectsAccountNext(bool select);

private:
    VaultJob *run(VaultJob::Operation operation, const AccountProfile &account, const StoredSession &session = {});
    void startNext();

    QSettings *m_settings;
    QList<QPointer<VaultJob>> m_queue; // the first one is running
};
