#include "HttpServer.h"

#include "Protocol.h"
#include "Reply.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QTcpServer>

#include <exception>

Q_LOGGING_CATEGORY(lcRequest, "latchkey.request")

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

} // namespace

HttpServer::HttpServer(QObject *parent)
    : QAbstractHttpServer(parent)
{
}

void HttpServer::route(const QString &path, QHttpServerRequest::Methods methods, Handler handler)
{
    m_routes[path].append(Route{methods, std::move(handler)});
}

quint16 HttpServer::listenOn(const QHostAddress &address, quint16 port, QString *error)
{
    auto *tcp = new QTcpServer(this);
    if (!tcp->listen(address, port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(tcp->errorString());
        delete tcp;
        return 0;
    }
    bind(tcp);
    return tcp->serverPort();
}

QHttpServerResponse HttpServer::dispatch(const QHttpServerRequest &request)
{
    const auto it = m_routes.constFind(request.url().path());
    if (it == m_routes.cend())
        return Reply::error(Reply::Status::NotFound, QStringLiteral("not_found"),
                            QStringLiteral("There is nothing at this path."));
    QList<QByteArray> allowed;
    for (const Route &route : *it) {
        if (route.methods.testFlag(request.method()))
            return route.handler(request);
        for (auto m : {QHttpServerRequest::Method::Get, QHttpServerRequest::Method::Post})
            if (route.methods.testFlag(m))
                allowed.append(methodName(m));
    }
    auto response = Reply::error(Reply::Status::MethodNotAllowed, QStringLiteral("method_not_allowed"),
                                 QStringLiteral("This path does not accept %1.")
                                     .arg(QString::fromLatin1(methodName(request.method()))));
    response.addHeader(QByteArrayLiteral("Allow"), allowHeader(allowed));
    return response;
}

QHttpServerResponse HttpServer::respond(const QHttpServerRequest &request)
{
    if (request.body().size() > Protocol::MaxRequestBody
        || request.value(QByteArrayLiteral("Content-Length")).toLongLong() > Protocol::MaxRequestBody)
        return Reply::error(Reply::Status::PayloadTooLarge, QStringLiteral("invalid_request"),
                            QStringLiteral("The request body is larger than 64 KiB."));
    try {
        return dispatch(request);
    } catch (const std::exception &) {
        // No detail leaves the server: it may name internal state.
    } catch (...) {
    }
    return Reply::error(Reply::Status::InternalServerError, QStringLiteral("server_error"),
                        QStringLiteral("The server could not handle this request."));
}

#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
bool HttpServer::handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder)
#else
bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
#endif
{
    QElapsedTimer timer;
    timer.start();
    const QHttpServerResponse response = respond(request);
    // Path only: query strings carry codes and tokens.
    qCInfo(lcRequest, "%s %s %d %.2fms", methodName(request.method()).constData(),
           request.url().path().toUtf8().constData(), int(response.statusCode()), double(timer.nsecsElapsed()) / 1e6);
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    responder.sendResponse(response);
#else
    response.write(makeResponder(request, socket));
#endif
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
