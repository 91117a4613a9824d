#pragma once

#include "SimulatedProviders.h"

#include <QHash>
#include <QHttpServerResponse>
#include <QString>
#include <QUrl>

class HttpServer;
class QHttpServerRequest;
struct ServerContext;

// /authorize (PROTOCOL.md 4) and the pages that follow it: the sign-in page
// with one button per upstream provider, each simulated provider's page
// with its QA personas, and the redirect back to the app with a code.
class AuthorizeEndpoint
{
public:
    static constexpr qint64 PendingLifetime = 600;

    explicit AuthorizeEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

private:
    // An authorization request waiting for the person to pick an identity.
    struct Pending
    {
        QString clientId;
        QString redirectUri;
        QString state;
        QString nonce;
        QString codeChallenge;
        QString scope;
        QString loginHint;
        qint64 createdAt = 0;
    };

    QHttpServerResponse authorize(const QHttpServerRequest &request);
    QHttpServerResponse providerPage(const QHttpServerRequest &request, const SimulatedProviders::Provider &provider);
    QHttpServerResponse providerSubmit(const QHttpServerRequest &request, const SimulatedProviders::Provider &provider);
    QHttpServerResponse cancel(const QHttpServerRequest &request);

    QHttpServerResponse signInPage(const QString &requestId);
    QHttpServerResponse providerForm(const QString &requestId, const SimulatedProviders::Provider &provider,
                                     const UpstreamProfile &typed, const QString &message);
    QHttpServerResponse complete(const QString &requestId, const UpstreamProfile &profile);
    QHttpServerResponse redirectError(const QString &redirectUri, const QString &state, const QString &error,
                                      const QString &description);
    QHttpServerResponse expiredRequest();
    QUrl redirectUrl(const QString &redirectUri, const QList<std::pair<QString, QString>> &fields) const;

    // The redirect URI a page's forms lead to, for its Content-Security-Policy.
    QUrl returnTo(const QString &requestId);
    const Pending *findPending(const QString &requestId);
    QString addPending(const Pending &pending);

    ServerContext &m_context;
    QHash<QString, Pending> m_pending;
};
