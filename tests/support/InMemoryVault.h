#pragma once

#include "SessionVault.h"
#include "VaultJob.h"

#include <QHash>
#include <QObject>

// A SessionVault in memory, for the tests of the session's steps that need
// no keychain: TokenVault against gnome-keyring is tested on its own
// (TestTokenVault) and in the flows. Jobs answer in the order asked, on
// the next turn of the event loop, as a keychain would.
class InMemoryVault : public QObject, public SessionVault
{
    Q_OBJECT
public:
    explicit InMemoryVault(QObject *parent = nullptr);

    VaultJob *save(const AccountProfile &account, const StoredSession &session) override;
    VaultJob *load(const AccountProfile &account) override;
    VaultJob *remove(const AccountProfile &account) override;
    AccountProfile currentAccount() const override { return m_current; }
    void setCurrentAccount(const AccountProfile &account) override { m_current = account; }
    void forgetCurrentAccount() override { m_current = {}; }
    bool selectsAccountNext() const override { return m_selectsAccountNext; }
    void setSelectsAccountNext(bool select) override { m_selectsAccountNext = select; }

    // Every job answers `code` until set back to None (say, KeychainLocked).
    void setFailure(ClientError::Code code) { m_failure = code; }
    // What is stored for `account`, and how many writes there were.
    std::optional<StoredSession> entry(const AccountProfile &account) const;
    int writes() const { return m_writes; }

private:
    VaultJob *answer(VaultJob::Operation operation, ClientError::Code code, const StoredSession &session = {});

    QHash<QString, StoredSession> m_entries;
    AccountProfile m_current;
    bool m_selectsAccountNext = false;
    ClientError::Code m_failure = ClientError::Code::None;
    int m_writes = 0;
};
