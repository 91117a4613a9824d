#pragma once

#include "Account.h"

#include "UpstreamSettings.h"

#include <QList>
#include <QString>

#include <memory>
#include <vector>

class Connector;
class ConnectorRegistry;
struct ConnectorDeps;

// Every provider a person can sign in with here, in display order, each
// with the connector its type's factory made: the providers of the
// providers file, then (QA mode only) the built-in simulated ones.
class ProviderDirectory
{
public:
    struct Entry
    {
        QString id;
        QString name;
        QString identityKey;
        QString upstreamIssuer;         // Connector::upstreamIssuer()
        Connector *connector = nullptr; // never null
    };

    // Settings of a type the registry does not know are skipped (ProvidersFile refused them already).
    ProviderDirectory(const QList<UpstreamSettings> &providers, const ConnectorRegistry &registry,
                      const ConnectorDeps &deps);
    ~ProviderDirectory();

    // The configured providers, then the built-in simulated ones whose ids
    // none of them takes.
    static QList<UpstreamSettings> withSimulated(QList<UpstreamSettings> configured);
    // What a server offers: the configured providers, and in QA mode the simulated ones too.
    static QList<UpstreamSettings> offered(const QList<UpstreamSettings> &configured, bool qaMode)
    {
        return qaMode ? withSimulated(configured) : configured;
    }

    const QList<Entry> &entries() const { return m_entries; }
    const Entry *find(const QString &id) const;
    const Entry *findByIdentityKey(const QString &identityKey) const;
    // The provider an identity was proved at, while it is still configured
    // with the same issuer; null otherwise.
    const Entry *findByIdentity(const QString &identityKey, const QString &upstreamIssuer) const;
    // The providers these identities can sign in at under today's
    // configuration, in the order given, each once.
    QList<const Entry *> usableFor(const QList<LinkedIdentity> &identities) const;
    // The display name for an identity key; the key itself when unknown.
    QString displayName(const QString &identityKey) const;
    // Starts what the providers need before the first sign-in (discovery).
    void prepare();

private:
    QList<Entry> m_entries;
    std::vector<std::unique_ptr<Connector>> m_connectors;
};
