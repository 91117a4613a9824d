#pragma once

#include <QAbstractHttpServer>
#include <QHash>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QList>

#include <functional>

class QTcpServer;

// The reference server's HTTP front: exact-path routing with 404 for unknown
// paths and 405 (with Allow) for known paths asked with another method, the
// 64 KiB body limit, one log line per request without query strings (they
// carry codes and tokens), and no exception ever reaching a client.
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    using Handler = std::function<QHttpServerResponse(const QHttpServerRequest &)>;

    explicit HttpServer(QObject *parent = nullptr);

    void route(const QString &path, QHttpServerRequest::Methods methods, Handler handler);
    // Listens on address:port (0: the OS chooses); returns the port, 0 on failure.
    quint16 listenOn(const QHostAddress &address, quint16 port, QString *error);

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
    };

    QHttpServerResponse dispatch(const QHttpServerRequest &request);
    QHttpServerResponse respond(const QHttpServerRequest &request);

    QHash<QString, QList<Route>> m_routes;
};
