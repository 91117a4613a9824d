#include "ConnectorRegistry.h"

#include "OAuth2Upstream.h"
#include "OidcUpstream.h"
#include "SimulatedConnector.h"

ConnectorRegistry ConnectorRegistry::standard(bool qaMode)
{
    ConnectorRegistry registry;
    registry.registerType(UpstreamSettings::OidcType, [](const UpstreamSettings &settings, const ConnectorDeps &deps) {
        return std::make_unique<OidcUpstream>(settings, deps.http, deps.clock);
    });
    registry.registerType(UpstreamSettings::OAuth2Type, [](const UpstreamSettings &settings, const ConnectorDeps &deps) {
        return std::make_unique<OAuth2Upstream>(settings, deps.http, deps.clock);
    });
    if (qaMode) {
        registry.registerType(UpstreamSettings::SimulatedType,
                              [](const UpstreamSettings &settings, const ConnectorDeps &deps) {
                                  return std::make_unique<SimulatedConnector>(settings, deps.cipher, deps.clock);
                              });
    }
    return registry;
}

void ConnectorRegistry::registerType(const QString &type, Factory factory)
{
    m_factories.insert(type, std::move(factory));
}

QStringList ConnectorRegistry::types() const
{
    QStringList names = m_factories.keys();
    names.sort();
    return names;
}

std::unique_ptr<Connector> ConnectorRegistry::create(const UpstreamSettings &settings, const ConnectorDeps &deps) const
{
    const auto factory = m_factories.constFind(settings.type);
    return factory == m_factories.cend() ? nullptr : (*factory)(settings, deps);
}
