#pragma once

#include <QStringList>

class AccountStore;

// Proposes usernames that pass the shared rules and are free right now.
class UsernameSuggester
{
public:
    explicit UsernameSuggester(AccountStore &accounts);

    // The best free username from what the upstream provider told us, or empty.
    QString preferred(const QString &upstreamUsername, const QString &name, const QString &email);
    // Up to `max` free alternatives to `wanted`, also drawing on name and email.
    QStringList suggestions(const QString &wanted, const QStringList &hints, int max);

private:
    QStringList candidates(const QString &base) const;
    bool isFree(const QString &username);

    AccountStore &m_accounts;
};
