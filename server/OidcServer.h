#pragma once

#include "Clock.h"
#include "ConnectorRegistry.h"
#include "KeyCipher.h"
#include "Metrics.h"
#include "Result.h"
#include "ServerConfig.h"
#include "TrustedProxies.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

class AccountEndpoint;
class AccountStore;
class AuthorizeEndpoint;
class ClientRegistry;
class Database;
class DiscoveryEndpoint;
class HealthEndpoint;
class HttpServer;
class KeyStore;
class MetricsEndpoint;
class OnboardingStore;
class QaFaultHook;
class SignInStore;
class ProviderDirectory;
class QNetworkAccessManager;
class SignInFlow;
class SimulatedSignInEndpoint;
class UpstreamEndpoint;
class UpstreamHttp;
class SessionEndpoint;
class TokenEndpoint;
class TokenIssuer;
class TokenStore;
class UsernameSuggester;
struct ServerContext;

// latchkey-server as an object: owns storage, keys and endpoints, and serves
// PROTOCOL.md over HTTP. Tests run it in-process on port 0.
class OidcServer : public QObject
{
    Q_OBJECT
public:
    explicit OidcServer(const ServerConfig &config, QObject *parent = nullptr);
    ~OidcServer() override;

    // Reads the providers file, opens the data directory (creating it with
    // mode 0700), loads or makes the signing keys, applies the QA fixtures to
    // a new database in QA mode, listens. Refuses to start with no provider
    // at all, and in QA mode on an address beyond loopback.
    Result<void> start();
    // The report to print: what the seed created and linked, then a line per entry it skipped.
    Result<QString> importSeed(const QString &path);
    Result<void> rotateKeys();

    QString issuer() const;
    quint16 port() const { return m_port; }
    // Where GET /metrics answers (--metrics-listen); 0 without a metrics listener.
    quint16 metricsPort() const { return m_metricsPort; }
    // The one registry of the process; every thread's parts count into it.
    Metrics &metrics() { return m_metrics; }
    Clock &clock() { return m_clock; }
    // The provider types this server can broker; a test may register one
    // of its own before start().
    ConnectorRegistry &connectors() { return m_connectors; }
    const ServerConfig &config() const { return m_config; }
    // Where the data is, without any password.
    QString databaseUrl() const;

    static QString defaultDataDir();
    // The redirect URI of each configured provider, to register there:
    // "<id> <issuer>/upstream/<id>/callback" per line.
    static QStringList redirectUris(const ServerConfig &config);

private:
    Result<void> checkConfig();
    Result<void> openStorage();
    Result<void> connectDatabase();
    // Under the start-up lock: the key file, and the signing keys it opens.
    Result<void> openKeys();
    Result<KeyCipher> openKeyFile();
    void createServices();
    void createProviders();
    Result<void> startMetrics();

    ServerConfig m_config;
    // First: outlives every part that counts into it.
    Metrics m_metrics;
    TrustedProxies m_proxies;
    Clock m_clock;
    quint16 m_port = 0;
    quint16 m_metricsPort = 0;
    ConnectorRegistry m_connectors;
    QTimer m_maintenance;
    QTimer m_keyReload;
    std::optional<KeyCipher> m_cipher;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<KeyStore> m_keys;
    std::unique_ptr<AccountStore> m_accounts;
    std::unique_ptr<TokenStore> m_tokens;
    std::unique_ptr<OnboardingStore> m_onboardings;
    std::unique_ptr<SignInStore> m_signInStore;
    std::unique_ptr<TokenIssuer> m_issuer;
    std::unique_ptr<ClientRegistry> m_clients;
    std::unique_ptr<UsernameSuggester> m_suggester;
    std::unique_ptr<ProviderDirectory> m_providers;
    std::unique_ptr<SignInFlow> m_signIns;
    std::unique_ptr<ServerContext> m_context;
    std::unique_ptr<HttpServer> m_http;
    // Before the stores in destruction: a scrape reads SignInStore.
    std::unique_ptr<HttpServer> m_metricsHttp;
    std::unique_ptr<MetricsEndpoint> m_metricsEndpoint;
    std::unique_ptr<DiscoveryEndpoint> m_discovery;
    std::unique_ptr<HealthEndpoint> m_health;
    std::unique_ptr<AuthorizeEndpoint> m_authorize;
    std::unique_ptr<TokenEndpoint> m_token;
    std::unique_ptr<AccountEndpoint> m_account;
    std::unique_ptr<SessionEndpoint> m_session;
    std::unique_ptr<UpstreamEndpoint> m_upstream;
    std::unique_ptr<SimulatedSignInEndpoint> m_simulated;
    std::unique_ptr<QaFaultHook> m_qaFaults;
    // Last: destroyed first, so no upstream answer arrives into a half-destroyed server.
    std::unique_ptr<UpstreamHttp> m_upstreamHttp;
    std::unique_ptr<QNetworkAccessManager> m_network;
};
