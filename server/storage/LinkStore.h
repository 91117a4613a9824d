#pragma once

#include "LinkRequest.h"
#include "Result.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>

class AccountStore;
class Clock;
class Database;

// Link requests (PROTOCOL.md 6.5): a link_id is stored only as a hash, used
// by one sign-in at most (the first /authorize that presents it takes it),
// and links in one transaction at that sign-in's end. TokenStore::purgeExpired
// drops old ones.
class LinkStore
{
public:
    static constexpr qint64 Lifetime = 600;

    LinkStore(Database &db, const Clock &clock, AccountStore &accounts);

    // The new link_id.
    Result<QByteArray> create(const LinkRequest &request);
    // Spends the link for one authorization request (`request`: what tells it
    // apart, its state and PKCE challenge): nullopt when unknown, expired,
    // another client's, or taken by another request. The same request again
    // (the app opening the browser again) takes it again. `key` receives what
    // find() takes later.
    Result<std::optional<LinkRequest>> take(const QByteArray &linkId, const QString &clientId,
                                            const QByteArray &request, QString *key);
    Result<std::optional<LinkRequest>> find(const QString &key);

    // The link's end, after the person proved `proved`. One transaction: the
    // checks, the identity row, the onboarding jti (Pending) and `issue`
    // (the authorization code) commit together or not at all. Returns the
    // LinkError when nothing was linked (then `issue` did not run).
    using Issue = std::function<Result<void>()>;
    Result<std::optional<QByteArray>> complete(const LinkRequest &link, const UpstreamIdentity &proved,
                                               const QString &provedEmail, const Issue &issue);

private:
    Result<std::optional<QByteArray>> completeLocked(const LinkRequest &link, const UpstreamIdentity &proved,
                                                     const QString &provedEmail);
    Result<std::optional<QByteArray>> linkPending(const LinkRequest &link, const UpstreamIdentity &proved);
    Result<std::optional<QByteArray>> linkAdded(const LinkRequest &link, const UpstreamIdentity &proved,
                                                const QString &provedEmail);
    // Links `identity` to the link's account; OtherAccount when another holds it.
    Result<std::optional<QByteArray>> attach(const QString &accountId, const UpstreamIdentity &identity,
                                             const QString &email);

    Database &m_db;
    const Clock &m_clock;
    AccountStore &m_accounts;
};
