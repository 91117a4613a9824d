#include "HttpServer.h"
#include "ServerLogging.h"

#include "Clock.h"
#include "ConnectionGuard.h"
#include "ErrorCodes.h"
#include "LogText.h"
#include "Metrics.h"
#include "Protocol.h"
#include "RateLimiter.h"
#include "Reply.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLocale>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QTcpServer>
#include <QTcpSocket>

#include <cerrno>
#include <cstring>
#include <exception>

#include <unistd.h>

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    const char *key = QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(method));
    return key ? QByteArray(key).toUpper() : QByteArrayLiteral("UNKNOWN");
}

QByteArray allowHeader(const QList<QByteArray> &names)
{
    QByteArray out;
    for (const auto &name : names)
        out += (out.isEmpty() ? "" : ", ") + name;
    return out;
}

// RFC 9110 5.6.7 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT": English names whatever the locale.
QByteArray httpDate(qint64 utcSeconds)
{
    return QLocale::c()
        .toString(QDateTime::fromSecsSinceEpoch(utcSeconds).toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss"))
        .append(QLatin1String(" GMT"))
        .toLatin1();
}

// The client's path for the request's log line: percent-encoded, so no
// control character in it can forge or cut a log line, and bounded.
QString loggedPath(const QByteArray &path)
{
    return logText(QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(path), "/:@!$&'()*+,;=")));
}

QHttpServerResponse internalError()
{
    // No detail leaves the server: it may name internal state.
    return Reply::error(
        ServerError{ErrorCode::ServerError, QStringLiteral("The server could not handle this request."), 500});
}

} // namespace

// One request's way back to its client: logs the line of the request when
// it is answered (now or later) and makes sure it is answered at most once.
class HttpServer::Answer
{
public:
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    Answer(const QHttpServerRequest &request, QHttpServerResponder &responder, const Clock *clock, const QString &client)
        : m_responder(std::move(responder))
#else
    Answer(const QHttpServerRequest &request, QTcpSocket *socket, const Clock *clock, const QString &client)
        : m_request(&request)
        , m_socket(socket)
#endif
        , m_clock(clock)
        , m_method(methodName(request.method()))
        , m_path(request.url().path().toUtf8())
        , m_client(client)
    {
        m_timer.start();
    }

    // std::nullopt: close the connection without an answer.
    void send(std::optional<QHttpServerResponse> &&response)
    {
        if (m_sent)
            return;
        m_sent = true;
        if (response && m_clock)
            response->addHeader(QByteArrayLiteral("Date"), httpDate(m_clock->now()));
        // Path only: query strings carry codes and tokens.
        const QString line = QString::asprintf("%s %s %d %.2fms %s", m_method.constData(),
                                               qPrintable(loggedPath(m_path)),
                                               response ? int(response->statusCode()) : 0,
                                               double(m_timer.nsecsElapsed()) / 1e6, qPrintable(m_client));
        if (m_quiet)
            qCDebug(lcRequest, "%s", qPrintable(line));
        else
            qCInfo(lcRequest, "%s", qPrintable(line));
        if (m_metrics)
            m_metrics->countRequest(m_route, response ? int(response->statusCode()) : 0, m_timer.nsecsElapsed());
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
        // Without an answer the responder is let go unanswered: Qt 6.5+ gives
        // no way to close the connection, so the client meets its own timeout.
        if (response)
            m_responder->sendResponse(*response);
        m_responder.reset();
#else
        if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
            return;
        if (response)
            response->write(HttpServer::makeResponder(*m_request, m_socket));
        else
            m_socket->abort();
#endif
    }

    void setQuiet(bool quiet)
    {
        m_quiet = quiet;
    }

    // `route`: a registered path or Metrics::OtherRoute, never the client's path (unbounded).
    void setMetrics(Metrics *metrics, const QString &route)
    {
        m_metrics = metrics;
        m_route = route;
    }

#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
    QTcpSocket *socket() const
    {
        return m_socket;
    }
#endif

private:
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    std::optional<QHttpServerResponder> m_responder;
#else
    const QHttpServerRequest *m_request; // lives as long as its socket (Qt 6.4)
    QPointer<QTcpSocket> m_socket;
#endif
    const Clock *m_clock;
    QByteArray m_method;
    QByteArray m_path;
    QString m_client; // behind a trusted proxy, the client it names
    QElapsedTimer m_timer;
    bool m_sent = false;
    bool m_quiet = false;
    Metrics *m_metrics = nullptr;
    QString m_route;
};

HttpServer::HttpServer(QObject *parent)
    : HttpServer(ConnectionGuard::Limits(), {}, parent)
{
}

HttpServer::HttpServer(const ConnectionGuard::Limits &limits, std::shared_ptr<ConnectionCounter> connections,
                       QObject *parent)
    : QAbstractHttpServer(parent)
    , m_limits(limits)
    , m_connections(connections ? std::move(connections)
                                : std::make_shared<ConnectionCounter>(limits.maxConnections, limits.maxPerAddress))
{
}

void HttpServer::limitPerAddress(const QString &path, std::shared_ptr<RateLimiter> limiter)
{
    m_addressLimits.insert(path, std::move(limiter));
}

void HttpServer::route(const QString &path, QHttpServerRequest::Methods methods, Handler handler)
{
    m_routes[path].append(Route{methods, std::move(handler), {}});
}

void HttpServer::routeDeferred(const QString &path, QHttpServerRequest::Methods methods, DeferredHandler handler)
{
    m_routes[path].append(Route{methods, {}, std::move(handler)});
}

void HttpServer::filter(const QString &path, Filter filter)
{
    for (Route &route : m_routes[path]) {
        if (!route.handler)
            continue;
        route.handler = [handler = std::move(route.handler), filter](const QHttpServerRequest &request) {
            return filter(request, handler(request));
        };
    }
}

void HttpServer::wrap(const QString &path, Wrapper wrapper)
{
    for (Route &route : m_routes[path]) {
        DeferredHandler inner = route.deferred;
        if (!inner) {
            inner = [handler = std::move(route.handler)](const QHttpServerRequest &request, Responder respond) {
                respond(handler(request));
            };
        }
        route.handler = {};
        route.deferred = [inner = std::move(inner), wrapper](const QHttpServerRequest &request, Responder respond) {
            wrapper(request, respond, [&request, &inner](Responder next) { inner(request, std::move(next)); });
        };
    }
}

ConnectionGuard *HttpServer::makeGuard()
{
    // Owned by the QAbstractHttpServer once bound.
    auto *guard = new ConnectionGuard(m_limits, m_proxies, m_connections, this);
    guard->setMetrics(m_metrics);
    return guard;
}

Result<ConnectionGuard *> HttpServer::serveHandedOver(qintptr listeningSocket)
{
    const qintptr copy = ::dup(int(listeningSocket));
    auto *tcp = makeGuard();
    if (copy < 0 || !tcp->setSocketDescriptor(copy)) {
        const QString why = copy < 0 ? QString::fromLocal8Bit(std::strerror(errno)) : tcp->errorString();
        if (copy >= 0)
            ::close(int(copy));
        delete tcp;
        return ServerError::startup(QStringLiteral("cannot accept connections in a worker thread: %1").arg(why));
    }
    // Listening, as bind() wants, yet never accepting: QTcpServer accepts
    // only while it holds fewer pending connections than this. (Paused, it
    // would accept again whenever the HTTP server takes one: its
    // nextPendingConnection() resumes; closed, it warns at each.)
    tcp->setMaxPendingConnections(0);
    bind(tcp);
    return tcp;
}

Result<quint16> HttpServer::listenOn(const QHostAddress &address, quint16 port)
{
    auto *tcp = makeGuard();
    if (!tcp->listen(address, port)) {
        const QString why = tcp->errorString();
        delete tcp;
        return ServerError::startup(
            QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(why));
    }
    bind(tcp);
    return tcp->serverPort();
}

std::optional<QHttpServerResponse> HttpServer::findRoute(const QHttpServerRequest &request, const Route **route) const
{
    if (request.body().size() > m_limits.maxBodyBytes
        || request.value(QByteArrayLiteral("Content-Length")).toLongLong() > m_limits.maxBodyBytes)
        return Reply::error(ServerError{ErrorCode::InvalidRequest, ConnectionGuard::bodyTooLarge(m_limits), 413});
    const auto it = m_routes.constFind(request.url().path());
    if (it == m_routes.cend())
        return Reply::error(ServerError{ErrorCode::NotFound, QStringLiteral("There is nothing at this path."), 404});
    const QHostAddress client = m_proxies.clientOf(request);
    if (m_loopbackOnly && !client.isLoopback())
        return Reply::error(
            ServerError(ErrorCode::AccessDenied, QStringLiteral("This QA server serves its own machine only."), 403));
    if (const auto limiter = m_addressLimits.value(request.url().path())) {
        if (const int wait = limiter->acquire(TrustedProxies::key(client))) {
            return Reply::error(
                ServerError{ErrorCode::TemporarilyUnavailable,
                            QStringLiteral("Too many requests from your address. Try again in %1 s.").arg(wait),
                            429,
                            {},
                            wait});
        }
    }
    QList<QByteArray> allowed;
    for (const Route &candidate : *it) {
        if (candidate.methods.testFlag(request.method())) {
            *route = &candidate;
            return std::nullopt;
        }
        for (auto m : {QHttpServerRequest::Method::Get, QHttpServerRequest::Method::Post})
            if (candidate.methods.testFlag(m))
                allowed.append(methodName(m));
    }
    auto response = Reply::error(ServerError{
        ErrorCode::MethodNotAllowed,
        QStringLiteral("This path does not accept %1.").arg(QString::fromLatin1(methodName(request.method()))), 405});
    response.addHeader(QByteArrayLiteral("Allow"), allowHeader(allowed));
    return response;
}

QHttpServerResponse HttpServer::respond(const QHttpServerRequest &request, const Route &route)
{
    try {
        return route.handler(request);
    } catch (...) {
    }
    return internalError();
}

void HttpServer::defer(const QHttpServerRequest &request, const Route &route, const std::shared_ptr<Answer> &answer)
{
#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
    QTcpSocket *socket = answer->socket();
    m_waitingSockets.insert(socket);
    connect(socket, &QObject::destroyed, this, [this, socket] { m_waitingSockets.remove(socket); });
#endif
    Responder responder = [this, answer](std::optional<QHttpServerResponse> &&response) {
#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
        m_waitingSockets.remove(answer->socket());
#endif
        answer->send(std::move(response));
    };
    try {
        route.deferred(request, responder);
        return;
    } catch (...) {
    }
    responder(internalError());
}

#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
bool HttpServer::handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    auto answer = std::make_shared<Answer>(request, responder, m_clock, m_proxies.clientOf(request).toString());
#else
bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (m_waitingSockets.contains(socket)) {
        socket->abort();
        return true;
    }
    auto answer = std::make_shared<Answer>(request, socket, m_clock, m_proxies.clientOf(request).toString());
#endif
    const QString path = request.url().path();
    answer->setQuiet(m_quietPaths.contains(path));
    if (m_metrics)
        answer->setMetrics(m_metrics, m_routes.contains(path) ? path : Metrics::OtherRoute);
    const Route *route = nullptr;
    if (auto early = findRoute(request, &route))
        answer->send(std::move(early));
    else if (route->deferred)
        defer(request, *route, answer);
    else
        answer->send(respond(request, *route));
    return true;
}

#if QT_VERSION >= QT_VERSION_CHECK(6, 7, 0)
void HttpServer::missingHandler(const QHttpServerRequest &, QHttpServerResponder &)
#elif QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
void HttpServer::missingHandler(const QHttpServerRequest &, QHttpServerResponder &&)
#else
void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *)
#endif
{
    // Never reached: handleRequest answers every request, unknown paths included.
}
