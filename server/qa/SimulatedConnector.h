#pragma once

#include "Connector.h"

#include <optional>

class Clock;
class KeyCipher;

// QA mode only: a simulated provider ("simulated" type) as a connector like
// the real ones. begin() sends the browser to its page, /qa/signin/<id>
// (SimulatedSignInEndpoint), whose submit returns to the same callback a
// real provider's does, with a code this connector issued: the profile and
// QA fault the tester chose, sealed with the server's KeyCipher and bound to
// the upstream state, so any instance on the database can open it and nobody
// can forge or move it. It lives a minute; the sign-in's claim at the
// callback makes it single use.
class SimulatedConnector : public Connector
{
    Q_OBJECT
public:
    static constexpr qint64 CodeLifetime = 60;

    SimulatedConnector(const UpstreamSettings &settings, const KeyCipher &cipher, const Clock &clock,
                       QObject *parent = nullptr);

    // Its identities live under "qa:<id>", which no configured id can be,
    // so a simulated identity never matches a real one.
    QString identityKey() const override { return keyFor(m_settings.id); }
    static QString keyFor(const QString &providerId) { return QStringLiteral("qa:") + providerId; }
    static QString pagePath(const QString &providerId) { return QStringLiteral("/qa/signin/") + providerId; }

    void begin(const UpstreamAttempt &attempt, UrlCallback done) override;
    void finish(const QString &code, const UpstreamAttempt &attempt, OutcomeCallback done) override;

    // The page's side: the code for what the tester chose at the attempt with this state.
    QString issueCode(const UpstreamProfile &profile, const QString &upstreamState) const;

private:
    std::optional<UpstreamProfile> openCode(const QString &code, const QString &upstreamState) const;
    QByteArray associatedData(const QString &upstreamState) const;

    const KeyCipher &m_cipher;
    const Clock &m_clock;
};
