#include "InMemoryVault.h"

InMemoryVault::InMemoryVault(QObject *parent)
    : QObject(parent)
{
}

VaultJob *InMemoryVault::answer(VaultJob::Operation operation, ClientError::Code code, const StoredSession &session)
{
    auto *job = VaultJob::answered(operation, code, session, this);
    connect(job, &VaultJob::finished, job, &QObject::deleteLater);
    job->start();
    return job;
}

VaultJob *InMemoryVault::save(const AccountProfile &account, const StoredSession &session)
{
    if (m_failure != ClientError::Code::None)
        return answer(VaultJob::Operation::Write, m_failure);
    m_entries.insert(account.vaultKey(), session);
    ++m_writes;
    return answer(VaultJob::Operation::Write, ClientError::Code::None);
}

VaultJob *InMemoryVault::load(const AccountProfile &account)
{
    if (m_failure != ClientError::Code::None)
        return answer(VaultJob::Operation::Read, m_failure);
    const auto found = m_entries.constFind(account.vaultKey());
    if (found == m_entries.constEnd())
        return answer(VaultJob::Operation::Read, ClientError::Code::KeychainNotFound);
    return answer(VaultJob::Operation::Read, ClientError::Code::None, *found);
}

VaultJob *InMemoryVault::remove(const AccountProfile &account)
{
    if (m_failure != ClientError::Code::None)
        return answer(VaultJob::Operation::Delete, m_failure);
    m_entries.remove(account.vaultKey());
    return answer(VaultJob::Operation::Delete, ClientError::Code::None);
}

std::optional<StoredSession> InMemoryVault::entry(const AccountProfile &account) const
{
    const auto found = m_entries.constFind(account.vaultKey());
    return found == m_entries.constEnd() ? std::nullopt : std::optional<StoredSession>(*found);
}
