#include "TokenVault.h"

#include "Settings.h"

#include <QSettings>

TokenVault::TokenVault(QSettings *settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
}

VaultJob *TokenVault::run(VaultJob::Operation operation, const AccountProfile &account, const StoredSession &session)
{
    auto *job = new VaultJob(operation, QLatin1String(Service), account.vaultKey(), session, this);
    connect(job, &VaultJob::finished, job, &QObject::deleteLater);
    connect(job, &VaultJob::finished, this, [this, job] {
        m_queue.removeAll(job);
        startNext();
    });
    m_queue.append(job);
    if (m_queue.size() == 1)
        job->start();
    return job;
}

void TokenVault::startNext()
{
    while (!m_queue.isEmpty() && !m_queue.constFirst())
        m_queue.removeFirst();
    if (!m_queue.isEmpty())
        m_queue.constFirst()->start();
}

VaultJob *TokenVault::save(const AccountProfile &account, const StoredSession &session)
{
    return run(VaultJob::Operation::Write, account, session);
}

VaultJob *TokenVault::load(const AccountProfile &account)
{
    return run(VaultJob::Operation::Read, account);
}

VaultJob *TokenVault::remove(const AccountProfile &account)
{
    return run(VaultJob::Operation::Delete, account);
}

AccountProfile TokenVault::currentAccount() const
{
    AccountProfile p;
    p.issuer = Settings::AccountIssuer.get(*m_settings);
    p.subject = Settings::AccountSubject.get(*m_settings);
    p.name = Settings::AccountName.get(*m_settings);
    p.username = Settings::AccountUsername.get(*m_settings);
    p.email = Settings::AccountEmail.get(*m_settings);
    p.emailVerified = Settings::AccountEmailVerified.get(*m_settings);
    p.provider = Settings::AccountProvider.get(*m_settings);
    return p;
}

void TokenVault::setCurrentAccount(const AccountProfile &p)
{
    Settings::AccountIssuer.set(*m_settings, p.issuer);
    Settings::AccountSubject.set(*m_settings, p.subject);
    Settings::AccountName.set(*m_settings, p.name);
    Settings::AccountUsername.set(*m_settings, p.username);
    Settings::AccountEmail.set(*m_settings, p.email);
    Settings::AccountEmailVerified.set(*m_settings, p.emailVerified);
    Settings::AccountProvider.set(*m_settings, p.provider);
    m_settings->sync();
}

bool TokenVault::selectsAccountNext() const
{
    return Settings::SelectAccountNext.get(*m_settings);
}

void TokenVault::setSelectsAccountNext(bool select)
{
    if (select == selectsAccountNext())
        return;
    Settings::SelectAccountNext.set(*m_settings, select);
    m_settings->sync();
}

void TokenVault::forgetCurrentAccount()
{
    m_settings->remove(Settings::AccountGroup);
    m_settings->sync();
}
