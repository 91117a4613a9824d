#include "TokenVault.h"

#include <QSettings>

namespace {
const QString Group = QStringLiteral("account");
}

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
    m_settings->beginGroup(Group);
    AccountProfile p;
    p.issuer = m_settings->value(QStringLiteral("issuer")).toString();
    p.subject = m_settings->value(QStringLiteral("subject")).toString();
    p.name = m_settings->value(QStringLiteral("name")).toString();
    p.username = m_settings->value(QStringLiteral("username")).toString();
    p.email = m_settings->value(QStringLiteral("email")).toString();
    p.emailVerified = m_settings->value(QStringLiteral("emailVerified")).toBool();
    p.provider = m_settings->value(QStringLiteral("provider")).toString();
    m_settings->endGroup();
    return p;
}

void TokenVault::setCurrentAccount(const AccountProfile &p)
{
    m_settings->beginGroup(Group);
    m_settings->setValue(QStringLiteral("issuer"), p.issuer);
    m_settings->setValue(QStringLiteral("subject"), p.subject);
    m_settings->setValue(QStringLiteral("name"), p.name);
    m_settings->setValue(QStringLiteral("username"), p.username);
    m_settings->setValue(QStringLiteral("email"), p.email);
    m_settings->setValue(QStringLiteral("emailVerified"), p.emailVerified);
    m_settings->setValue(QStringLiteral("provider"), p.provider);
    m_settings->endGroup();
    m_settings->sync();
}

void TokenVault::forgetCurrentAccount()
{
    m_settings->remove(Group);
    m_settings->sync();
}
