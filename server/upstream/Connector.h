#pragma once

#include "UpstreamAttempt.h"
#include "UpstreamOutcome.h"
#include "UpstreamSettings.h"

#include <QObject>
#include <QUrl>

#include <functional>

// What every kind of provider a person can sign in with implements, real or
// simulated (dex's connectors): UpstreamEndpoint drives them all the same
// way, /signin/<id> -> begin() -> the provider's page -> the callback
// /upstream/<id>/callback -> finish(). ConnectorRegistry makes them by type.
class Connector : public QObject
{
    Q_OBJECT
public:
    // Where to send the browser, or why not.
    using UrlCallback = std::function<void(const Result<QUrl> &url)>;
    using OutcomeCallback = std::function<void(const UpstreamOutcome &)>;

    explicit Connector(const UpstreamSettings &settings, QObject *parent = nullptr);

    const UpstreamSettings &settings() const { return m_settings; }
    // Under which key the identities it vouches for are linked to accounts.
    virtual QString identityKey() const { return m_settings.id; }
    // The issuer the identities it vouches for are recorded with: the
    // OpenID Connect issuer, an OAuth 2.0 provider's user-info origin, or
    // "local:<type>" for a provider that stays on this server.
    virtual QString upstreamIssuer() const;
    virtual bool usesNonce() const { return false; }
    // Loads what the provider publishes, so the first sign-in need not wait.
    virtual void prepare() { }

    // Where to send the browser for this attempt.
    virtual void begin(const UpstreamAttempt &attempt, UrlCallback done) = 0;
    // The browser came back to the callback with `code`: learn who this is.
    virtual void finish(const QString &code, const UpstreamAttempt &attempt, OutcomeCallback done) = 0;

protected:
    UpstreamSettings m_settings;
};
