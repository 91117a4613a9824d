#pragma once

#include "Result.h"

#include <QObject>

#include <memory>

class AccountEndpoint;
class AccountStore;
class AuthorizeEndpoint;
class ClientRegistry;
class ConnectionGuard;
class Database;
class DeviceEndpoint;
class DeviceGrantStore;
class DiscoveryEndpoint;
class HealthEndpoint;
class HttpServer;
class OnboardingStore;
class LinkStore;
class LinkEndpoint;
class ProviderDirectory;
class QNetworkAccessManager;
class QaFaultHook;
class SessionEndpoint;
class SignInFlow;
class SignInStore;
class SimulatedSignInEndpoint;
class TokenEndpoint;
class TokenIssuer;
class TokenStore;
class UpstreamEndpoint;
class UpstreamHttp;
class UsernameSuggester;
struct ServerContext;
struct ServerShared;

// One thread of latchkey-server (--threads): its own database connection,
// stores, upstream connectors (network access and caches) and HTTP server,
// serving the connections the server's acceptor hands to its guard. Only
// ServerShared crosses threads. Made in the server's thread, then moved to
// its own, where start() and the destructor run.
class ServerWorker : public QObject
{
    Q_OBJECT
public:
    ServerWorker(ServerShared &shared, qintptr listeningSocket);
    ~ServerWorker() override;

    Result<void> start();
    // Where the acceptor hands this worker's connections; null before start().
    ConnectionGuard *guard() const { return m_guard; }

private:
    Result<void> openStorage();
    void createServices();
    void registerRoutes();

    ServerShared &m_shared;
    const qintptr m_listeningSocket;
    ConnectionGuard *m_guard = nullptr; // owned by m_http
    std::unique_ptr<Database> m_db;
    std::unique_ptr<AccountStore> m_accounts;
    std::unique_ptr<TokenStore> m_tokens;
    std::unique_ptr<OnboardingStore> m_onboardings;
    std::unique_ptr<LinkStore> m_links;
    std::unique_ptr<DeviceGrantStore> m_devices;
    std::unique_ptr<SignInStore> m_signInStore;
    std::unique_ptr<TokenIssuer> m_issuer;
    std::unique_ptr<ClientRegistry> m_clients;
    std::unique_ptr<UsernameSuggester> m_suggester;
    std::unique_ptr<ProviderDirectory> m_providers;
    std::unique_ptr<SignInFlow> m_signIns;
    std::unique_ptr<ServerContext> m_context;
    std::unique_ptr<HttpServer> m_http;
    std::unique_ptr<DiscoveryEndpoint> m_discovery;
    std::unique_ptr<HealthEndpoint> m_health;
    std::unique_ptr<AuthorizeEndpoint> m_authorize;
    std::unique_ptr<TokenEndpoint> m_token;
    std::unique_ptr<AccountEndpoint> m_account;
    std::unique_ptr<SessionEndpoint> m_session;
    std::unique_ptr<LinkEndpoint> m_link;
    std::unique_ptr<DeviceEndpoint> m_device;
    std::unique_ptr<UpstreamEndpoint> m_upstream;
    std::unique_ptr<SimulatedSignInEndpoint> m_simulated;
    std::unique_ptr<QaFaultHook> m_qaFaults;
    // Last: destroyed first, so no upstream answer arrives into a half-destroyed worker.
    std::unique_ptr<UpstreamHttp> m_upstreamHttp;
    std::unique_ptr<QNetworkAccessManager> m_network;
};
