#pragma once

#include <QHttpServerResponse>
#include <QString>

class HttpServer;
class QHttpServerRequest;
struct ServerContext;

// /authorize (PROTOCOL.md 4): checks the request, then shows the sign-in
// page with one button per provider, or with `provider=<id>` goes straight
// to that provider. Cancelling on the page returns access_denied.
class AuthorizeEndpoint
{
public:
    explicit AuthorizeEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

private:
    QHttpServerResponse authorize(const QHttpServerRequest &request);
    QHttpServerResponse cancel(const QHttpServerRequest &request);
    QHttpServerResponse signInPage(const QString &requestId);

    ServerContext &m_context;
};
