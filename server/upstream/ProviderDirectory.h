#pragma once

#include "UpstreamSettings.h"

#include <QList>
#include <QString>

#include <memory>

class Clock;
class UpstreamHttp;
class UpstreamProvider;

// Every provider a person can sign in with here, in display order: the real
// upstream providers of the providers file, then (QA mode only) the
// simulated ones. Identities of simulated providers live under the "qa:"
// key, which no configured id can have, so they never match a real one.
class ProviderDirectory
{
public:
    struct Entry
    {
        QString id;
        QString name;
        QString identityKey;
        UpstreamProvider *upstream = nullptr; // null: simulated (QA)
    };

    ProviderDirectory(const QList<UpstreamSettings> &configured, bool withSimulated, UpstreamHttp &http,
                      const Clock &clock);
    ~ProviderDirectory();

    const QList<Entry> &entries() const { return m_entries; }
    const Entry *find(const QString &id) const;
    const Entry *findByIdentityKey(const QString &identityKey) const;
    // The display name for an identity key; the key itself when unknown.
    QString displayName(const QString &identityKey) const;
    // Starts what the real providers need before the first sign-in (discovery).
    void prepare();

    static QString simulatedKey(const QString &id) { return QStringLiteral("qa:") + id; }

private:
    QList<Entry> m_entries;
    std::vector<std::unique_ptr<UpstreamProvider>> m_upstreams;
};
