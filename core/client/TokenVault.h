#pragma once

#include "SessionVault.h"
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
class TokenVault : public QObject, public SessionVault
{
    Q_OBJECT
public:
    static constexpr char Service[] = "Latchkey";

    explicit TokenVault(QSettings *settings, QObject *parent = nullptr);

    // Jobs start when the ones asked before them have finished, and delete
    // themselves after finished().
    VaultJob *save(const AccountProfile &account, const StoredSession &session) override;
    VaultJob *load(const AccountProfile &account) override;
    VaultJob *remove(const AccountProfile &account) override;

    AccountProfile currentAccount() const override;
    void setCurrentAccount(const AccountProfile &account) override;
    void forgetCurrentAccount() override;
    bool selectsAccountNext() const override;
    void setSelectsAccountNext(bool select) override;

private:
    VaultJob *run(VaultJob::Operation operation, const AccountProfile &account, const StoredSession &session = {});
    void startNext();

    QSettings *m_settings;
    QList<QPointer<VaultJob>> m_queue; // the first one is running
};
