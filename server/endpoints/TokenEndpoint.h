#pragma once

#include <QHash>
#include <QHttpServerResponse>
#include <QString>

class HttpServer;
class QHttpServerRequest;
struct AuthorizationGrant;
struct ServerContext;

// POST /token (PROTOCOL.md 5): authorization_code, answered with Bearer
// tokens for linked identities and an onboarding token for new ones, and
// refresh_token with rotation and reuse detection.
class TokenEndpoint
{
public:
    explicit TokenEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

private:
    using Fields = QHash<QString, QString>;

    QHttpServerResponse token(const QHttpServerRequest &request);
    QHttpServerResponse authorizationCode(const Fields &f);
    QHttpServerResponse refreshToken(const Fields &f);
    QHttpServerResponse onboardingResponse(const QByteArray &code, const AuthorizationGrant &grant);

    ServerContext &m_context;
};
