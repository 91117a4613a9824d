#include "HealthEndpoint.h"

#include "Database.h"
#include "HttpServer.h"
#include "KeyStore.h"
#include "Reply.h"
#include "ServerContext.h"

#include <QJsonObject>

const QString HealthEndpoint::LivePath = QStringLiteral("/healthz");
const QString HealthEndpoint::ReadyPath = QStringLiteral("/readyz");

namespace {

QString state(bool up)
{
    return up ? QStringLiteral("up") : QStringLiteral("down");
}

} // namespace

HealthEndpoint::HealthEndpoint(ServerContext &context)
    : m_context(context)
{
}

void HealthEndpoint::registerRoutes(HttpServer &server)
{
    server.route(LivePath, QHttpServerRequest::Method::Get, [](const QHttpServerRequest &) {
        return Reply::json(QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}});
    });
    server.route(ReadyPath, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &) {
        // Both parts are named every time, so an operator sees which one to fix.
        const bool database = bool(m_context.db.ping());
        const bool keys = m_context.keys.hasSigningKey();
        const bool ready = database && keys;
        return Reply::json(QJsonObject{{QStringLiteral("status"),
                                        ready ? QStringLiteral("ok") : QStringLiteral("unavailable")},
                                       {QStringLiteral("database"), state(database)},
                                       {QStringLiteral("signing_key"), state(keys)}},
                           ready ? Reply::Status::Ok : Reply::Status::ServiceUnavailable);
    });
    server.quietLog(LivePath);
    server.quietLog(ReadyPath);
}
