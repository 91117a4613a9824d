#pragma once

#include "HttpServer.h"
#include "QaFaults.h"
#include "RateLimiter.h"
#include "Result.h"

#include <QHttpServerResponse>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QString>

class QHttpServerRequest;
class QUrlQuery;
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
    Result<QJsonObject> checkUsername(const QUrlQuery &query, const QJsonObject &claims);
    // Deferred, so QA faults can answer late or not at all.
    void onboardDeferred(const QHttpServerRequest &request, const HttpServer::Responder &respond);
    // `token` is filled once the onboarding token is verified.
    Result<QJsonObject> onboard(const QHttpServerRequest &request, Onboarding *token);
    Result<QJsonObject> create(const Onboarding &token, const QJsonObject &body, const QString &idempotencyKey);
    std::optional<ServerError> checkAccount(const Account &account, const QJsonObject &body);
    ServerError explained(ServerError error, const Account &wanted, const QJsonObject &claims);

    // 401 invalid_token with PROTOCOL.md's reason ("expired", "signature", ...) when not valid.
    Result<Onboarding> verify(const QByteArray &compact, const QString &audience);
    QStringList suggestionsFor(const QString &wanted, const QJsonObject &claims);
    QaFaults::Fault faultOf(const Onboarding &token) const;
    // True the first time a once-only fault strikes this token.
    bool strikesFirstTime(const Onboarding &token);

    ServerContext &m_context;
    RateLimiter m_checkLimiter;
    RateLimiter m_onboardLimiter;
    QSet<QString> m_struckOnce; // jtis a once-only QA fault already hit
    QObject m_lateAnswers;      // owns the slow fault's timers; destroyed before the HTTP server
};
