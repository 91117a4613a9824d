#pragma once

#include "ConnectionCounter.h"
#include "QaStrikes.h"
#include "RateLimiter.h"
#include "TrustedProxies.h"

#include <QHash>
#include <QString>

#include <memory>

class Clock;
class ConnectorRegistry;
class KeyCipher;
class KeyStore;
class Metrics;
struct ServerConfig;

// What all worker threads of one server share, each part safe to use from
// any of them: the configuration, the clock, the signing keys, the limits
// that count across the server (connections, requests per address, attempts
// per onboarding token), the metrics and QA mode's once-only faults. Everything else a
// worker has for itself (ServerWorker).
struct ServerShared
{
    static constexpr int WrongUserCodeWindowSeconds = 600;

    ServerShared(const ServerConfig &config, Clock &clock, const TrustedProxies &proxies, KeyStore &keys,
                 const KeyCipher &cipher, const ConnectorRegistry &connectors, const QString &issuer, Metrics &metrics);

    const ServerConfig &config;
    Clock &clock;
    const TrustedProxies proxies;
    KeyStore &keys;
    const KeyCipher &cipher;
    const ConnectorRegistry &connectors;
    const QString issuer;
    Metrics &metrics;
    const std::shared_ptr<ConnectionCounter> connections;
    // By path: the requests per minute one client address may make there.
    QHash<QString, std::shared_ptr<RateLimiter>> perAddress;
    RateLimiter usernameChecksPerToken;
    RateLimiter onboardsPerToken;
    // By client address (TrustedProxies::key): wrong user codes at /device.
    RateLimiter wrongUserCodes;
    QaStrikes qaStrikes;
};
