#pragma once

#include "Result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

class AccountStore;
class Database;
class ProviderDirectory;

// What a seed did.
struct SeedReport
{
    int created = 0;
    int linked = 0;
    QStringList problems; // one line per entry that was skipped, and why
};

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
    SeedImporter(Database &db, AccountStore &accounts, const ProviderDirectory &providers);

    // An error when the file cannot be read or is not a seed at all.
    Result<SeedReport> importFile(const QString &path);
    Result<SeedReport> importJson(const QByteArray &json);

private:
    // Creates the account of one entry and links its identities; an error
    // only when the database fails, a bad entry is a problem of the report.
    Result<void> importAccount(const QJsonObject &entry, SeedReport *report);

    Database &m_db;
    AccountStore &m_accounts;
    const ProviderDirectory &m_providers;
};
