#pragma once

#include "SimulatedProviders.h"

#include <QHttpServerResponse>
#include <QString>

class HttpServer;
class QHttpServerRequest;
struct ServerContext;

// QA mode only: each simulated provider's page at /signin/<id>, where a
// tester types an upstream identity or picks a persona. It authenticates
// nobody, so it exists only when the server runs with --qa on loopback.
class SimulatedSignInEndpoint
{
public:
    explicit SimulatedSignInEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

private:
    QHttpServerResponse page(const QHttpServerRequest &request, const SimulatedProviders::Provider &provider);
    QHttpServerResponse submit(const QHttpServerRequest &request, const SimulatedProviders::Provider &provider);
    QHttpServerResponse form(const QString &requestId, const SimulatedProviders::Provider &provider,
                             const UpstreamProfile &typed, const QString &message, const QString &fault = {});
    QHttpServerResponse complete(const QString &requestId, UpstreamProfile profile, const QString &fault);

    ServerContext &m_context;
};
