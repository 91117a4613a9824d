#pragma once

#include "HttpServer.h"
#include "Metrics.h"
#include "OnboardingTokenVerifier.h"
#include "ProviderDirectory.h"
#include "RateLimiter.h"
#include "Result.h"

#include <QHttpServerResponse>
#include <QJsonObject>
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
    QHttpServerResponse usernameCheck(const QHttpServerRequest &request);
    Result<QJsonObject> checkUsername(const QUrlQuery &query, const QJsonObject &claims);
    // Counts the outcome (latchkey_onboardings_total).
    Result<QJsonObject> onboard(const QHttpServerRequest &request);
    // `replayed`: the same Idempotency-Key again (its account existed).
    Result<QJsonObject> attemptOnboard(const QHttpServerRequest &request, bool *replayed);
    Result<QJsonObject> create(const OnboardingTokenVerifier::Token &token, const QJsonObject &body,
                               const QString &idempotencyKey, bool *replayed);
    std::optional<ServerError> checkAccount(const Account &account, const QJsonObject &body);
    // `linkable`: whether the token's sign-in can go on to link (not a device grant's).
    ServerError explained(ServerError error, const Account &wanted, const QJsonObject &claims, bool linkable);
    QList<const ProviderDirectory::Entry *> usableProvidersOf(const QString &accountId);

    QStringList suggestionsFor(const QString &wanted, const QJsonObject &claims);

    ServerContext &m_context;
    RateLimiter &m_checkLimiter;   // shared by the worker threads
    RateLimiter &m_onboardLimiter; // likewise
    OnboardingTokenVerifier m_tokenVerifier;
};
