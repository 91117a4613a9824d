#pragma once

#include <QString>

class HttpServer;
struct ServerContext;

// /healthz and /readyz for load balancers and orchestrators (PROTOCOL.md 9):
// the first says the process serves, the second whether it can sign anyone
// in now (the database answers, a signing key is loaded). Neither is rate
// limited, so a prober is never refused, nor logged at info, so probes
// every few seconds do not bury the requests that matter.
class HealthEndpoint
{
public:
    explicit HealthEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

    static const QString LivePath;
    static const QString ReadyPath;

private:
    ServerContext &m_context;
};
