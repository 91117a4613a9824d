#pragma once

#include "RateLimiter.h"

#include <QHttpServerResponse>
#include <QJsonObject>
#include <QString>

class HttpServer;
class QHttpServerRequest;
struct Account;
struct ServerContext;

// The onboarding extension (PROTOCOL.md 6): the advisory username check and
// the authoritative onboard call that creates the account.
class AccountEndpoint
{
public:
    explicit AccountEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

private:
    struct Onboarding
    {
        QJsonObject claims;
        QString jti;
        QString clientId;
    };

    QHttpServerResponse usernameCheck(const QHttpServerRequest &request);
    QHttpServerResponse onboard(const QHttpServerRequest &request);
    QHttpServerResponse create(const Onboarding &token, const QJsonObject &body, const QString &idempotencyKey);
    QHttpServerResponse replay(const Onboarding &token, const QString &accountId, const QString &previousFamily,
                               const QString &idempotencyKey);
    QHttpServerResponse issue(const Account &account, const Onboarding &token, const QString &idempotencyKey);

    // Empty on success; otherwise the PROTOCOL.md reason ("expired", "signature", ...).
    QString verify(const QByteArray &compact, const QString &audience, Onboarding *token);
    QStringList suggestionsFor(const QString &wanted, const QJsonObject &claims);

    ServerContext &m_context;
    RateLimiter m_checkLimiter;
    RateLimiter m_onboardLimiter;
};
