#include "ServerWorker.h"

#include "AccountEndpoint.h"
#include "AccountStore.h"
#include "AuthorizeEndpoint.h"
#include "ClientRegistry.h"
#include "ConnectorRegistry.h"
#include "Database.h"
#include "DeviceEndpoint.h"
#include "DeviceGrantStore.h"
#include "DiscoveryEndpoint.h"
#include "HealthEndpoint.h"
#include "HttpServer.h"
#include "LinkEndpoint.h"
#include "LinkStore.h"
#include "OnboardingStore.h"
#include "ProviderDirectory.h"
#include "QaFaultHook.h"
#include "ServerConfig.h"
#include "ServerContext.h"
#include "ServerShared.h"
#include "SessionEndpoint.h"
#include "SignInFlow.h"
#include "SignInStore.h"
#include "SimulatedSignInEndpoint.h"
#include "TokenEndpoint.h"
#include "TokenIssuer.h"
#include "TokenStore.h"
#include "UpstreamEndpoint.h"
#include "UpstreamHttp.h"
#include "UsernameSuggester.h"

#include <QNetworkAccessManager>

ServerWorker::ServerWorker(ServerShared &shared, qintptr listeningSocket)
    : m_shared(shared)
    , m_listeningSocket(listeningSocket)
{
}

ServerWorker::~ServerWorker() = default;

Result<void> ServerWorker::start()
{
    if (const auto opened = openStorage(); !opened)
        return opened;
    createServices();
    m_http = std::make_unique<HttpServer>(m_shared.config.connectionLimits, m_shared.connections);
    m_http->setClock(&m_shared.clock);
    m_http->setTrustedProxies(m_shared.proxies);
    m_http->setLoopbackOnly(m_shared.config.qaMode);
    m_http->setMetrics(&m_shared.metrics);
    registerRoutes();
    m_providers->prepare();
    const auto guard = m_http->serveHandedOver(m_listeningSocket);
    if (!guard)
        return guard.error();
    m_guard = *guard;
    return {};
}

Result<void> ServerWorker::openStorage()
{
    const ServerConfig &config = m_shared.config;
    const auto url = DatabaseUrl::parse(config.database, config.dataDir);
    if (!url)
        return url.error();
    m_db = std::make_unique<Database>();
    m_db->setMetrics(&m_shared.metrics);
    if (const auto connected = m_db->connect(*url, Database::Role::Worker); !connected)
        return connected;
    m_accounts = std::make_unique<AccountStore>(*m_db, m_shared.clock);
    m_tokens = std::make_unique<TokenStore>(*m_db, m_shared.clock);
    m_onboardings = std::make_unique<OnboardingStore>(*m_db, m_shared.clock, *m_accounts, *m_tokens);
    m_links = std::make_unique<LinkStore>(*m_db, m_shared.clock, *m_accounts);
    m_devices = std::make_unique<DeviceGrantStore>(*m_db, m_shared.clock);
    m_signInStore = std::make_unique<SignInStore>(*m_db, m_shared.clock, m_shared.cipher,
                                                  config.pendingSignInsPerAddress, config.pendingSignIns);
    return {};
}

void ServerWorker::createServices()
{
    const ServerConfig &config = m_shared.config;
    m_network = std::make_unique<QNetworkAccessManager>();
    m_upstreamHttp = std::make_unique<UpstreamHttp>(m_network.get(), config.upstreamDeadlineMs);
    const QList<UpstreamSettings> providers = ProviderDirectory::offered(config.providers, config.qaMode);
    m_providers = std::make_unique<ProviderDirectory>(providers, m_shared.connectors,
                                                      ConnectorDeps{*m_upstreamHttp, m_shared.clock, m_shared.cipher});
    m_issuer = std::make_unique<TokenIssuer>(m_shared.issuer, m_shared.keys, m_shared.clock, config.minimalIdTokens);
    m_clients = std::make_unique<ClientRegistry>();
    m_suggester = std::make_unique<UsernameSuggester>(*m_accounts);
    m_signIns = std::make_unique<SignInFlow>(*m_signInStore, m_shared.clock, *m_tokens, *m_issuer, *m_devices);
    m_context.reset(new ServerContext{config, m_shared.clock, *m_db, m_shared.keys, *m_accounts, *m_tokens,
                                      *m_onboardings, *m_links, *m_devices, *m_issuer, *m_clients, *m_suggester,
                                      *m_providers, *m_signIns, m_shared.proxies, m_shared, m_shared.metrics});
}

void ServerWorker::registerRoutes()
{
    m_discovery = std::make_unique<DiscoveryEndpoint>(*m_context);
    m_health = std::make_unique<HealthEndpoint>(*m_context);
    m_authorize = std::make_unique<AuthorizeEndpoint>(*m_context);
    m_token = std::make_unique<TokenEndpoint>(*m_context);
    m_account = std::make_unique<AccountEndpoint>(*m_context);
    m_session = std::make_unique<SessionEndpoint>(*m_context);
    m_link = std::make_unique<LinkEndpoint>(*m_context);
    m_device = std::make_unique<DeviceEndpoint>(*m_context);
    m_upstream = std::make_unique<UpstreamEndpoint>(*m_context);
    m_discovery->registerRoutes(*m_http);
    // Not limited per address: a prober's answer must say the server's state, never 429.
    m_health->registerRoutes(*m_http);
    m_authorize->registerRoutes(*m_http);
    m_token->registerRoutes(*m_http);
    m_account->registerRoutes(*m_http);
    m_session->registerRoutes(*m_http);
    m_link->registerRoutes(*m_http);
    m_device->registerRoutes(*m_http);
    m_upstream->registerRoutes(*m_http);
    for (auto it = m_shared.perAddress.cbegin(); it != m_shared.perAddress.cend(); ++it)
        m_http->limitPerAddress(it.key(), it.value());
    if (m_shared.config.qaMode) {
        m_simulated = std::make_unique<SimulatedSignInEndpoint>(*m_context);
        m_simulated->registerRoutes(*m_http);
        m_qaFaults = std::make_unique<QaFaultHook>(*m_context);
        m_qaFaults->install(*m_http);
    }
}
