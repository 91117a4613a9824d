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
#include <vector>

class AccountStore;
class Database;
class KeyStore;
class MetricsEndpoint;
class SignInStore;
class HttpServer;
class ProviderDirectory;
class QNetworkAccessManager;
class ConnectionAcceptor;
class QThread;
class ServerWorker;
class TokenStore;
class UpstreamHttp;
struct ServerShared;

// latchkey-server as an object: owns storage and keys, listens, and serves
// PROTOCOL.md over HTTP from its worker threads (ServerWorker, --threads),
// to which its own thread hands the connections it accepts. Its own thread
// also keeps the start-up, maintenance, key reloads and metrics. Tests run it in-process on port 0.
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
    int threadCount() const { return int(m_workers.size()); }
    // The connections each worker holds or is being handed.
    QList<int> workerLoads() const;
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
    Result<void> adoptUpstreamIssuers();
    // Under the start-up lock: the key file, and the signing keys it opens.
    Result<void> openKeys();
    Result<KeyCipher> openKeyFile();
    void createProviders();
    Result<void> listen();
    Result<void> startWorkers();
    void stopWorkers();
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
    // The server's own thread's: start-up, maintenance, key reloads, seeds.
    std::unique_ptr<Database> m_db;
    std::unique_ptr<KeyStore> m_keys;
    std::unique_ptr<AccountStore> m_accounts;
    std::unique_ptr<TokenStore> m_tokens;
    std::unique_ptr<ProviderDirectory> m_providers;
    // Before the stores in destruction: a scrape reads SignInStore.
    std::unique_ptr<SignInStore> m_signInStore;
    std::unique_ptr<HttpServer> m_metricsHttp;
    std::unique_ptr<MetricsEndpoint> m_metricsEndpoint;
    std::unique_ptr<UpstreamHttp> m_upstreamHttp;
    std::unique_ptr<QNetworkAccessManager> m_network;
    // Accepts, and hands each connection to the least busy worker; lives
    // in m_acceptThread, where it is deleted.
    ConnectionAcceptor *m_listener = nullptr;
    std::unique_ptr<QThread> m_acceptThread;
    std::unique_ptr<ServerShared> m_shared;
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::vector<ServerWorker *> m_workers; // each deleted in its own thread
};
