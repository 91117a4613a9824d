#pragma once

#include "Result.h"

#include "UpstreamProfile.h"

#include <QHttpServerResponse>
#include <QString>

#include <optional>

class HttpServer;
class QHttpServerRequest;
class SimulatedConnector;
struct ServerContext;

// QA mode only: the page of each simulated provider, /qa/signin/<id>, where
// SimulatedConnector sends the browser and a tester types an upstream
// identity or picks a persona (and a QA fault). Like a real provider's page
// it knows the attempt only by its upstream state, and answers by sending
// the browser to the provider's callback: with a code, or with
// error=access_denied when the tester cancels. It authenticates nobody, so
// it exists only when the server runs with --qa on loopback.
class SimulatedSignInEndpoint
{
public:
    explicit SimulatedSignInEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

private:
    struct Attempt
    {
        QString requestId;
        QString state;
        QString callback; // the attempt's redirect URI
        QString loginHint;
        bool linking = false; // the sign-in confirms a link (PROTOCOL.md 6.5)
    };

    QHttpServerResponse page(const QHttpServerRequest &request, const SimulatedConnector &connector);
    QHttpServerResponse submit(const QHttpServerRequest &request, const SimulatedConnector &connector);
    // The sign-in waiting at this provider with this upstream state.
    Result<std::optional<Attempt>> attemptFor(const QString &state, const QString &providerId);
    static QHttpServerResponse noAttempt(const Result<std::optional<Attempt>> &attempt);
    QHttpServerResponse form(const Attempt &attempt, const SimulatedConnector &connector, const UpstreamProfile &typed,
                             const QString &message, const QString &fault = {});
    static QHttpServerResponse toCallback(const Attempt &attempt, const QList<std::pair<QString, QString>> &fields);

    ServerContext &m_context;
};
