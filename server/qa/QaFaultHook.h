#pragma once

#include "HttpServer.h"
#include "QaFaults.h"

#include <QJsonObject>
#include <QObject>

struct ServerContext;

// QA mode only: applies the faults a tester attached to a sign-in
// (QaFaults) from outside the endpoints, as filters and wrappers on the
// HTTP server's routes. The fault travels with the authorization code
// (AuthorizationGrant::qaFault) and then in the onboarding token's
// "qa_fault" claim, which this hook adds; without --qa the hook is not
// installed, so no token can make the server misbehave.
class QaFaultHook
{
public:
    explicit QaFaultHook(ServerContext &context);
    void install(HttpServer &server);

private:
    // token-endpoint-down: after the code was checked and spent, as when a
    // server fails half-way. Otherwise a new user's onboarding token gains
    // the fault's claim (and onboarding-expires-30s its short lifetime).
    QHttpServerResponse token(const QHttpServerRequest &request, QHttpServerResponse &&response);
    QHttpServerResponse usernameCheck(const QHttpServerRequest &request, QHttpServerResponse &&response);
    void onboard(const QHttpServerRequest &request, const HttpServer::Responder &respond,
                 const HttpServer::Proceed &proceed);

    // The fault of a verified onboarding token (None for anything else).
    QaFaults::Fault faultOf(const QByteArray &onboardingToken, QString *jti = nullptr) const;
    QHttpServerResponse withFaultClaim(QHttpServerResponse &&response, const QString &fault);
    ServerContext &m_context;
    QObject m_lateAnswers; // owns the slow fault's timers; destroyed before the HTTP server
};
