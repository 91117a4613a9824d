#pragma once

#include <QHttpServerResponse>

class HttpServer;
class QHttpServerRequest;
struct ServerContext;

// What a signed-in client does with its tokens (PROTOCOL.md 8): userinfo
// with the access token, and revocation (RFC 7009) of either token.
class SessionEndpoint
{
public:
    explicit SessionEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

private:
    QHttpServerResponse userInfo(const QHttpServerRequest &request);
    QHttpServerResponse revoke(const QHttpServerRequest &request);
    // The access token's claims if it is valid and its session active; else empty.
    QJsonObject verifyAccessToken(const QByteArray &token, QString *problem);

    ServerContext &m_context;
};
