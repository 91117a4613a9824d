#pragma once

#include "HttpServer.h"
#include "Metrics.h"
#include "SignInFlow.h"
#include "UpstreamOutcome.h"

#include <QString>

class Connector;
struct ServerContext;

// The broker's way through every provider's connector, real or simulated:
// /signin/<id> sends the browser there (authorization code, PKCE S256, state, nonce), and
// /upstream/<id>/callback, the redirect URI an admin registers there, takes
// it back, learns who the person is and returns to the app with a code, or
// with the error PROTOCOL.md section 4 names. The answer is tied to the
// browser that started the sign-in by a cookie as well as by `state`.
class UpstreamEndpoint
{
public:
    explicit UpstreamEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

    static QString callbackPath(const QString &providerId);

private:
    void begin(const QHttpServerRequest &request, Connector &provider, HttpServer::Responder respond);
    void callback(const QHttpServerRequest &request, Connector &provider, HttpServer::Responder respond);
    // The sign-in this browser started at this provider, from its newest few
    // lk_ cookies (a bounded number of database reads, however many it sent).
    QString requestFromCookies(const QHttpServerRequest &request, const QString &providerId) const;
    QHttpServerResponse finish(const QString &requestId, const UpstreamOutcome &outcome, const QString &providerId);
    // For a sign-in whose upstream answer this instance already claimed.
    QHttpServerResponse finishClaimed(const SignInFlow::Pending &pending, const UpstreamOutcome &outcome,
                                      const QString &providerId);
    QHttpServerResponse completeLink(const SignInFlow::Pending &pending, const UpstreamProfile &profile,
                                     const QString &providerId);
    static ServerError linkFailure(const QByteArray &why, const QString &linkedName);
    // latchkey_sign_ins_total: each callback answer counts once, and each
    // /signin/<id> answer that ends the sign-in instead of going on.
    void count(const QString &providerId, Metrics::SignIn outcome);
    // The sign-in is unknown or expired, or could not be read.
    QHttpServerResponse gone(const QString &providerId);
    QHttpServerResponse failed(const QString &providerId, const QString &requestId, const ServerError &error);

    ServerContext &m_context;
};
