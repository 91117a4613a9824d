#pragma once

class HttpServer;
class Metrics;

// GET /metrics for Prometheus, on the metrics listener only (--metrics-listen):
// the main port, which faces the clients, never answers it.
class MetricsEndpoint
{
public:
    explicit MetricsEndpoint(const Metrics &metrics);
    void registerRoutes(HttpServer &server);

private:
    const Metrics &m_metrics;
};
