#include "ServerShared.h"

#include "Protocol.h"
#include "ProviderDirectory.h"
#include "ServerConfig.h"
#include "UpstreamEndpoint.h"

ServerShared::ServerShared(const ServerConfig &serverConfig, Clock &serverClock, const TrustedProxies &trusted,
                           KeyStore &signingKeys, const KeyCipher &keyCipher, const ConnectorRegistry &registry,
                           const QString &issuerUrl, Metrics &metricsRegistry)
    : config(serverConfig)
    , clock(serverClock)
    , proxies(trusted)
    , keys(signingKeys)
    , cipher(keyCipher)
    , connectors(registry)
    , issuer(issuerUrl)
    , metrics(metricsRegistry)
    , connections(std::make_shared<ConnectionCounter>(config.connectionLimits.maxConnections,
                                                      config.connectionLimits.maxPerAddress))
    , usernameChecksPerToken(clock, config.usernameChecksPerMinute)
    , onboardsPerToken(clock, config.onboardAttemptsPerMinute)
    , wrongUserCodes(clock, config.wrongUserCodesPerAddress, WrongUserCodeWindowSeconds)
{
    const auto limit = [&](const QString &path, int perMinute) {
        perAddress.insert(path, std::make_shared<RateLimiter>(clock, perMinute));
    };
    limit(QStringLiteral("/authorize"), config.authorizePerAddressPerMinute);
    limit(QStringLiteral("/token"), config.tokenPerAddressPerMinute);
    limit(QStringLiteral("/api/account/username-check"), config.usernameChecksPerAddressPerMinute);
    limit(QStringLiteral("/api/account/onboard"), config.onboardsPerAddressPerMinute);
    // Each starts a device grant, or shows or confirms one: as many as sign-ins.
    limit(QLatin1String(Protocol::DeviceAuthorizationPath), config.authorizePerAddressPerMinute);
    limit(QLatin1String(Protocol::DeviceVerificationPath), config.authorizePerAddressPerMinute);
    limit(QStringLiteral("/device/confirm"), config.authorizePerAddressPerMinute);
    const QList<UpstreamSettings> providers = ProviderDirectory::offered(config.providers, config.qaMode);
    for (const UpstreamSettings &provider : providers)
        limit(UpstreamEndpoint::callbackPath(provider.id), config.callbacksPerAddressPerMinute);
}
