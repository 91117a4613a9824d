#pragma once

#include "Result.h"
#include "SignInFlow.h"

#include <QHttpServerResponse>
#include <QString>

class HttpServer;
class QHttpServerRequest;
struct ServerContext;

// /authorize (PROTOCOL.md 4): checks the request, then shows the sign-in
// page with one button per provider, or with `provider=<id>` goes straight
// to that provider. Cancelling on the page returns access_denied. With
// `link_id` (PROTOCOL.md 6.5) the sign-in confirms a link.
class AuthorizeEndpoint
{
public:
    explicit AuthorizeEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);
    // The provider choice of the sign-in `requestId`: one button per provider
    // and Cancel (also the device grant's, PROTOCOL.md 10).
    static QHttpServerResponse signInPage(ServerContext &context, const QString &requestId);

private:
    QHttpServerResponse authorize(const QHttpServerRequest &request);
    QHttpServerResponse cancel(const QHttpServerRequest &request);
    Result<void> takeLink(const QString &linkId, SignInFlow::Pending &pending, QString *provider);

    ServerContext &m_context;
};
