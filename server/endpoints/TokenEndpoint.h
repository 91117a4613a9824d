#pragma once

#include "Metrics.h"
#include "Result.h"

#include <QHash>
#include <QJsonObject>
#include <QString>

class HttpServer;
class QHttpServerRequest;
struct AuthorizationGrant;
struct CodeResult;
struct ServerContext;

// POST /token (PROTOCOL.md 5): authorization_code, answered with Bearer
// tokens for linked identities and an onboarding token for new ones,
// refresh_token with rotation and reuse detection, and the device grant's
// polls (PROTOCOL.md 10), answered as authorization_code once approved.
class TokenEndpoint
{
public:
    explicit TokenEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

private:
    using Fields = QHash<QString, QString>;

    Result<QJsonObject> token(const QHttpServerRequest &request);
    Result<QJsonObject> authorizationCode(const Fields &f);
    // PROTOCOL.md 10 (RFC 8628 3.4): a device's poll.
    Result<QJsonObject> deviceCode(const Fields &f);
    // Counts the outcome (latchkey_refresh_total).
    Result<QJsonObject> refreshToken(const Fields &f);
    Result<QJsonObject> rotate(const Fields &f, Metrics::Refresh *outcome);
    Result<CodeResult> issue(const AuthorizationGrant &grant, QJsonObject *answer);
    Result<CodeResult> onboardingResponse(const AuthorizationGrant &grant, QJsonObject *answer);

    ServerContext &m_context;
};
