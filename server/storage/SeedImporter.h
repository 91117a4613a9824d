#pragma once

#include <QString>
#include <QStringList>

class AccountStore;
class Database;
class ProviderDirectory;

// Creates accounts with linked identities from a JSON seed (--seed FILE, and
// the QA fixtures on first start). Idempotent: an account whose username
// exists is left as it is, and linked identities stay linked. Providers are
// named by id and must be ones this server offers.
//
// {"accounts": [{"username": "rita", "name": "Rita", "email": "rita@example.com",
//                "email_verified": true,
//                "identities": [{"provider": "github", "provider_user_id": "42"}]}]}
class SeedImporter
{
public:
    struct Result
    {
        int created = 0;
        int linked = 0;
        QStringList problems; // one line per entry that was skipped, and why
    };

    SeedImporter(Database &db, AccountStore &accounts, const ProviderDirectory &providers);

    // false (with *error) when the file cannot be read or is not a seed at all.
    bool importFile(const QString &path, Result *result, QString *error);
    bool importJson(const QByteArray &json, Result *result, QString *error);

private:
    Database &m_db;
    AccountStore &m_accounts;
    const ProviderDirectory &m_providers;
};
