#pragma once

#include "Connector.h"
#include "UpstreamHttp.h"

#include "ServerLogging.h"

class Clock;

// The connector of one real upstream identity provider the broker sends
// people to ("oidc" and "oauth2"). The
// authorization code grant (PKCE S256, state) and the code exchange are
// shared; how the person's profile is learned afterwards is the subclass's
// (an ID token for OpenID Connect, a user-info API for plain OAuth 2.0).
class UpstreamProvider : public Connector
{
    Q_OBJECT
public:
    UpstreamProvider(const UpstreamSettings &settings, UpstreamHttp &http, const Clock &clock,
                     QObject *parent = nullptr);

    void begin(const UpstreamAttempt &attempt, UrlCallback done) override;
    // Exchanges `code` at the provider's token endpoint, then learns who this is.
    void finish(const QString &code, const UpstreamAttempt &attempt, OutcomeCallback done) override;

protected:
    struct Endpoints
    {
        QUrl authorization;
        QUrl token;
    };
    using EndpointsCallback = std::function<void(const Endpoints *endpoints, const ServerError &failure)>;

    virtual void withEndpoints(EndpointsCallback next) = 0;
    // The name under which this provider takes the sign-in hint `standardName`
    // (UpstreamHints); empty: it is not sent.
    virtual QString hintParameter(QLatin1String standardName) const;
    // What of the hint's value this provider takes; empty: it is not sent.
    virtual QString hintValue(QLatin1String standardName, const QString &value) const
    {
        Q_UNUSED(standardName)
        return value;
    }
    virtual void profileFrom(const QJsonObject &tokens, const UpstreamAttempt &attempt, OutcomeCallback done) = 0;

    // A reply that did not come or came as 5xx, worded for the person.
    ServerError unavailable(const UpstreamReply &reply, const QString &what) const;
    ServerError invalid(const QString &problem, const QString &logDetail = {}) const;
    // Bounds and checks the profile an upstream described.
    UpstreamOutcome accept(UpstreamProfile profile) const;
    // A JSON string, or an integral number as digits (GitHub's ids are numbers).
    static QString text(const QJsonValue &value);
    static bool truthy(const QJsonValue &value);

    UpstreamHttp &m_http;
    const Clock &m_clock;

private:
    void exchange(const Endpoints &endpoints, const QString &code, const UpstreamAttempt &attempt, OutcomeCallback done);
    QByteArray tokenRequest(const QString &code, const UpstreamAttempt &attempt) const;
};
