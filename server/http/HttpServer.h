#pragma once

#include "ConnectionCounter.h"
#include "ConnectionGuard.h"
#include "Result.h"
#include "TrustedProxies.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QList>

#include <QPointer>
#include <QSet>

#include <functional>
#include <memory>
#include <optional>

class Clock;
class Metrics;
class QTcpServer;
class RateLimiter;
class QTcpSocket;

// The reference server's HTTP front: exact-path routing with 404 for unknown
// paths and 405 (with Allow) for known paths asked with another method, the
// body limit of ConnectionGuard::Limits, one log line per request without query strings (they
// carry codes and tokens), and no exception ever reaching a client.
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    using Handler = std::function<QHttpServerResponse(const QHttpServerRequest &)>;
    // Answers a deferred request, once; std::nullopt closes the connection
    // without an answer (a QA fault: "the response was lost"). Calling it
    // after the client went away does nothing.
    using Responder = std::function<void(std::optional<QHttpServerResponse> &&response)>;
    // A handler that answers later, e.g. after asking an upstream provider.
    // The request is only valid during the call: copy what is needed.
    using DeferredHandler = std::function<void(const QHttpServerRequest &, Responder)>;

    explicit HttpServer(QObject *parent = nullptr);
    // `connections` counts the open connections of every HttpServer that
    // shares it (a server's worker threads); none: this one's own.
    explicit HttpServer(const ConnectionGuard::Limits &limits, std::shared_ptr<ConnectionCounter> connections = {},
                        QObject *parent = nullptr);

    void route(const QString &path, QHttpServerRequest::Methods methods, Handler handler);
    void routeDeferred(const QString &path, QHttpServerRequest::Methods methods, DeferredHandler handler);
    // Sees every answer of the (immediate) routes of `path` before it leaves,
    // and may replace it: QA mode's fault hook, kept out of the endpoints.
    using Filter = std::function<QHttpServerResponse(const QHttpServerRequest &, QHttpServerResponse &&)>;
    void filter(const QString &path, Filter filter);
    // Around every route of `path`, immediate or deferred: the wrapper may
    // answer itself, or run the route with `proceed` and pass its answer on
    // (late, changed, or not at all).
    using Proceed = std::function<void(Responder respond)>;
    using Wrapper = std::function<void(const QHttpServerRequest &, Responder respond, const Proceed &proceed)>;
    void wrap(const QString &path, Wrapper wrapper);
    // At most the limiter's requests per minute to `path` from one client
    // address (429 beyond); the limiter may be shared with other HttpServers
    // (a server's worker threads).
    void limitPerAddress(const QString &path, std::shared_ptr<RateLimiter> limiter);
    // Requests to `path` are logged at debug instead of info: health probes
    // come every few seconds and would bury the requests that matter.
    void quietLog(const QString &path) { m_quietPaths.insert(path); }
    // Listens on address:port (0: the OS chooses); returns the port.
    Result<quint16> listenOn(const QHostAddress &address, quint16 port);
    // Serves the connections a ConnectionAcceptor hands to the guard this
    // returns (ConnectionGuard::adopt), instead of accepting any itself. The
    // guard listens on a copy of the acceptor's socket, as Qt's HTTP server
    // wants of what it binds, but never accepts from it. Call it in the
    // thread this server lives in.
    Result<ConnectionGuard *> serveHandedOver(qintptr listeningSocket);
    // Whose Forwarded / X-Forwarded-For headers name the client (before listenOn()).
    void setTrustedProxies(const TrustedProxies &proxies) { m_proxies = proxies; }
    // QA mode: clients beyond this machine (also behind a trusted proxy) get 403.
    void setLoopbackOnly(bool loopbackOnly) { m_loopbackOnly = loopbackOnly; }
    // Every answer carries a Date header from this clock (RFC 9110 6.6.1),
    // which clients compare with their own; none without a clock.
    void setClock(const Clock *clock) { m_clock = clock; }
    // Counts every answer by route and status, and the connection guard's
    // refusals (before listenOn()); none without.
    void setMetrics(Metrics *metrics) { m_metrics = metrics; }

protected:
#if QT_VERSION >= QT_VERSION_CHECK(6, 7, 0)
    bool handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder) override;
    void missingHandler(const QHttpServerRequest &request, QHttpServerResponder &responder) override;
#elif QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    bool handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder) override;
    void missingHandler(const QHttpServerRequest &request, QHttpServerResponder &&responder) override;
#else
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;
#endif

private:
    struct Route
    {
        QHttpServerRequest::Methods methods;
        Handler handler;
        DeferredHandler deferred;
    };
    class Answer;

    // The route for the request, or the answer when there is none (404, 405, 413).
    std::optional<QHttpServerResponse> findRoute(const QHttpServerRequest &request, const Route **route) const;
    QHttpServerResponse respond(const QHttpServerRequest &request, const Route &route);
    void defer(const QHttpServerRequest &request, const Route &route, const std::shared_ptr<Answer> &answer);

    ConnectionGuard *makeGuard();

    ConnectionGuard::Limits m_limits;
    std::shared_ptr<ConnectionCounter> m_connections;
    TrustedProxies m_proxies;
    bool m_loopbackOnly = false;
    const Clock *m_clock = nullptr;
    Metrics *m_metrics = nullptr;
    QHash<QString, QList<Route>> m_routes;
    QHash<QString, std::shared_ptr<RateLimiter>> m_addressLimits;
    QSet<QString> m_quietPaths;
#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
    // Qt 6.4 reads the next request of a connection at once: one that comes
    // while a deferred answer is pending closes the connection instead of
    // being answered out of order. (Qt 6.5+ waits for the responder itself.)
    QSet<QTcpSocket *> m_waitingSockets;
#endif
};
