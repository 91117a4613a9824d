#include "ProviderDirectory.h"
#include "ServerLogging.h"

#include "ConnectorRegistry.h"
#include "SimulatedProviders.h"

ProviderDirectory::ProviderDirectory(const QList<UpstreamSettings> &providers, const ConnectorRegistry &registry,
                                     const ConnectorDeps &deps)
{
    for (const UpstreamSettings &settings : providers) {
        std::unique_ptr<Connector> connector = registry.create(settings, deps);
        if (!connector) {
            qCWarning(lcUpstream, "%s: no connector for type \"%s\"", qPrintable(settings.id),
                      qPrintable(settings.type));
            continue;
        }
        m_entries.append(
            {settings.id, settings.name, connector->identityKey(), connector->upstreamIssuer(), connector.get()});
        m_connectors.push_back(std::move(connector));
    }
}

ProviderDirectory::~ProviderDirectory() = default;

QList<UpstreamSettings> ProviderDirectory::withSimulated(QList<UpstreamSettings> configured)
{
    QList<UpstreamSettings> all = configured;
    for (const auto &provider : SimulatedProviders::providers()) {
        // A provider configured under the same id takes its place.
        if (std::any_of(configured.cbegin(), configured.cend(), [&](const auto &s) { return s.id == provider.id; }))
            continue;
        UpstreamSettings settings;
        settings.id = provider.id;
        settings.name = provider.name;
        settings.type = UpstreamSettings::SimulatedType;
        settings.pkce = false; // nothing leaves this server
        all.append(settings);
    }
    return all;
}

const ProviderDirectory::Entry *ProviderDirectory::find(const QString &id) const
{
    for (const Entry &entry : m_entries) {
        if (entry.id == id)
            return &entry;
    }
    return nullptr;
}

const ProviderDirectory::Entry *ProviderDirectory::findByIdentityKey(const QString &identityKey) const
{
    for (const Entry &entry : m_entries) {
        if (entry.identityKey == identityKey)
            return &entry;
    }
    return nullptr;
}

const ProviderDirectory::Entry *ProviderDirectory::findByIdentity(const QString &identityKey,
                                                                  const QString &upstreamIssuer) const
{
    const Entry *entry = findByIdentityKey(identityKey);
    return entry && entry->upstreamIssuer == upstreamIssuer ? entry : nullptr;
}

QList<const ProviderDirectory::Entry *> ProviderDirectory::usableFor(const QList<LinkedIdentity> &identities) const
{
    QList<const Entry *> entries;
    for (const LinkedIdentity &linked : identities) {
        const Entry *entry = findByIdentity(linked.identity.providerId, linked.identity.upstreamIssuer);
        if (entry && !entries.contains(entry))
            entries.append(entry);
    }
    return entries;
}

QString ProviderDirectory::displayName(const QString &identityKey) const
{
    const Entry *entry = findByIdentityKey(identityKey);
    return entry ? entry->name : identityKey;
}

void ProviderDirectory::prepare()
{
    for (const auto &connector : m_connectors)
        connector->prepare();
}
