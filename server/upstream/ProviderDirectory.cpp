#include "ProviderDirectory.h"

#include "OAuth2Upstream.h"
#include "OidcUpstream.h"
#include "SimulatedProviders.h"

ProviderDirectory::ProviderDirectory(const QList<UpstreamSettings> &configured, bool withSimulated, UpstreamHttp &http,
                                     const Clock &clock)
{
    for (const UpstreamSettings &settings : configured) {
        std::unique_ptr<UpstreamProvider> upstream;
        if (settings.type == UpstreamSettings::Type::Oidc)
            upstream = std::make_unique<OidcUpstream>(settings, http, clock);
        else
            upstream = std::make_unique<OAuth2Upstream>(settings, http, clock);
        m_entries.append({settings.id, settings.name, settings.id, upstream.get()});
        m_upstreams.push_back(std::move(upstream));
    }
    if (!withSimulated)
        return;
    for (const auto &provider : SimulatedProviders::providers()) {
        // A real provider configured under the same id takes its place.
        if (!find(provider.id))
            m_entries.append({provider.id, provider.name, simulatedKey(provider.id), nullptr});
    }
}

ProviderDirectory::~ProviderDirectory() = default;

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

QString ProviderDirectory::displayName(const QString &identityKey) const
{
    const Entry *entry = findByIdentityKey(identityKey);
    return entry ? entry->name : identityKey;
}

void ProviderDirectory::prepare()
{
    for (const auto &upstream : m_upstreams)
        upstream->prepare();
}
