#include "MetricsEndpoint.h"

#include "HttpServer.h"
#include "Metrics.h"
#include "Reply.h"

namespace {
const QString Path = QStringLiteral("/metrics");
}

MetricsEndpoint::MetricsEndpoint(const Metrics &metrics)
    : m_metrics(metrics)
{
}

void MetricsEndpoint::registerRoutes(HttpServer &server)
{
    server.route(Path, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &) {
        return Reply::bytes(Metrics::ContentType, m_metrics.exposition());
    });
    // A scrape every few seconds would bury the requests that matter.
    server.quietLog(Path);
}
