#pragma once

class HttpServer;
struct ServerContext;

// Discovery, the JWK Set, and the static pages: home, terms, privacy, style.
class DiscoveryEndpoint
{
public:
    explicit DiscoveryEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

private:
    ServerContext &m_context;
};
