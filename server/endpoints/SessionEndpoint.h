#pragma once

#include "AccessTokenVerifier.h"
#include "Result.h"

#include <QHttpServerResponse>
#include <QJsonObject>

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
    static QHttpServerResponse answer(const Result<QJsonObject> &result);
    Result<QJsonObject> userInfo(const QHttpServerRequest &request);
    Result<QJsonObject> revoke(const QHttpServerRequest &request);
    ServerContext &m_context;
    AccessTokenVerifier m_tokens;
};
