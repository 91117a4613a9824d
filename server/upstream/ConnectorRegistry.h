#pragma once

#include "Connector.h"

#include <QHash>
#include <QStringList>

#include <functional>
#include <memory>

class Clock;
class KeyCipher;
class UpstreamHttp;

// The services a connector may need, owned by OidcServer.
struct ConnectorDeps
{
    UpstreamHttp &http;
    const Clock &clock;
    const KeyCipher &cipher;
};

// The provider types this server can broker, each with the factory that
// makes its connector (dex's ConnectorsConfig): "oidc" and "oauth2" always,
// "simulated" only in QA mode, so a providers file cannot smuggle a provider
// that authenticates nobody into a real server.
class ConnectorRegistry
{
public:
    using Factory = std::function<std::unique_ptr<Connector>(const UpstreamSettings &, const ConnectorDeps &)>;

    // The registry of a server started with (or without) --qa.
    static ConnectorRegistry standard(bool qaMode);

    void registerType(const QString &type, Factory factory);
    bool knows(const QString &type) const { return m_factories.contains(type); }
    QStringList types() const;
    // Null when the type is not registered.
    std::unique_ptr<Connector> create(const UpstreamSettings &settings, const ConnectorDeps &deps) const;

private:
    QHash<QString, Factory> m_factories;
};
