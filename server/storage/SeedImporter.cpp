#include "SeedImporter.h"

#include "AccountStore.h"
#include "Database.h"
#include "ErrorCodes.h"
#include "ProviderDirectory.h"
#include "UsernameRules.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

void linkIdentities(AccountStore &accounts, const ProviderDirectory &providers, const Account &account,
                    const QJsonArray &identities, SeedReport *result)
{
    for (const auto &value : identities) {
        const QJsonObject o = value.toObject();
        const auto *provider = providers.find(str(o, "provider"));
        // A seed names providers by id; the identity is stored under the
        // provider's key, so a QA seed never links a real provider's user.
        const UpstreamIdentity identity{provider ? provider->identityKey : str(o, "provider"),
                                        str(o, "provider_user_id"), provider ? provider->upstreamIssuer : QString()};
        if (!provider || identity.providerUserId.isEmpty()) {
            result->problems.append(QStringLiteral("identity %1:%2 skipped: unknown provider or empty user id")
                                        .arg(identity.providerId, identity.providerUserId));
            continue;
        }
        const auto owner = accounts.findByIdentity(identity).value_or(std::nullopt);
        if (owner && owner->id != account.id)
            result->problems.append(QStringLiteral("identity %1:%2 skipped: linked to account \"%3\"")
                                        .arg(identity.providerId, identity.providerUserId, owner->username));
        else if (!owner
                 && accounts.link(account.id, identity, str(o, "email").isEmpty() ? account.email : str(o, "email"))
                        .value_or(false))
            ++result->linked;
    }
}

// The seed's "accounts", or why `json` is not a seed.
Result<QJsonArray> accountsOf(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return ServerError::startup(QStringLiteral("the seed is not valid JSON: %1 at offset %2")
                                        .arg(parseError.errorString())
                                        .arg(parseError.offset));
    if (!doc.object().value(QLatin1String("accounts")).isArray())
        return ServerError::startup(QStringLiteral("the seed has no \"accounts\" array"));
    return doc.object().value(QLatin1String("accounts")).toArray();
}

} // namespace

SeedImporter::SeedImporter(Database &db, AccountStore &accounts, const ProviderDirectory &providers)
    : m_db(db)
    , m_accounts(accounts)
    , m_providers(providers)
{
}

Result<SeedReport> SeedImporter::importFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return ServerError::startup(QStringLiteral("cannot read the seed file %1: %2").arg(path, file.errorString()));
    return importJson(file.readAll());
}

Result<SeedReport> SeedImporter::importJson(const QByteArray &json)
{
    const auto accounts = accountsOf(json);
    if (!accounts)
        return accounts.error();
    SeedReport report;
    Transaction transaction(m_db);
    for (const auto &value : *accounts) {
        if (const auto imported = importAccount(value.toObject(), &report); !imported)
            return imported.error();
    }
    if (!transaction.commit())
        return ServerError::startup(QStringLiteral("the seed could not be saved"));
    return report;
}

Result<void> SeedImporter::importAccount(const QJsonObject &o, SeedReport *report)
{
    Account account{QString(), str(o, "username"), str(o, "name"), str(o, "email"),
                    o.value(QLatin1String("email_verified")).toBool()};
    const auto reason = UsernameRules::check(account.username);
    if (reason != UsernameRules::Reason::Ok && reason != UsernameRules::Reason::Reserved) {
        report->problems.append(QStringLiteral("account \"%1\" skipped: username %2")
                                    .arg(account.username, UsernameRules::reasonCode(reason)));
        return {};
    }
    auto stored = m_accounts.findByUsername(account.username);
    if (!stored)
        return ServerError::startup(QStringLiteral("the seed could not be read: %1").arg(stored.error().description));
    if (!*stored) {
        const auto added = m_accounts.add(account);
        if (!added) {
            report->problems.append(QStringLiteral("account \"%1\" skipped: %2")
                                        .arg(account.username,
                                             added.error().code == ErrorCode::EmailInUse
                                                 ? QStringLiteral("its verified email belongs to another account")
                                                 : added.error().description));
            return {};
        }
        ++report->created;
        *stored = *added;
    }
    linkIdentities(m_accounts, m_providers, **stored, o.value(QLatin1String("identities")).toArray(), report);
    return {};
}
