#include "OAuth2Upstream.h"

#include "LogText.h"

#include <QJsonArray>
#include <QJsonDocument>

void OAuth2Upstream::withEndpoints(EndpointsCallback next)
{
    const Endpoints endpoints{m_settings.authorizationEndpoint, m_settings.tokenEndpoint};
    next(&endpoints, {});
}

void OAuth2Upstream::profileFrom(const QJsonObject &tokens, const UpstreamAttempt &, OutcomeCallback done)
{
    const QByteArray accessToken = tokens.value(QLatin1String("access_token")).toString().toLatin1();
    if (accessToken.isEmpty()) {
        done(invalid(QStringLiteral("it sent no access token")));
        return;
    }
    m_http.get(m_settings.userinfoEndpoint, accessToken, [this, accessToken, done](const UpstreamReply &reply) {
        if (!reply.reached() || reply.status >= 500) {
            done(unavailable(reply, QStringLiteral("userinfo")));
            return;
        }
        const QJsonObject info = reply.json();
        if (!reply.isSuccess() || info.isEmpty()) {
            done(invalid(QStringLiteral("its user information could not be read"),
                         QStringLiteral("userinfo: ") + reply.detail));
            return;
        }
        const UpstreamProfile profile = mapUserinfo(info);
        if (m_settings.emailsEndpoint.isValid())
            addPrimaryEmail(profile, accessToken, done);
        else
            done(accept(profile));
    });
}

UpstreamProfile OAuth2Upstream::mapUserinfo(const QJsonObject &info) const
{
    auto field = [&](const char *claim) {
        const QString name = m_settings.claims.value(QLatin1String(claim));
        return name.isEmpty() ? QJsonValue() : info.value(name);
    };
    // No auth_time: a plain OAuth 2.0 provider does not say when the person
    // authenticated, so the time it answered counts (SignInFlow).
    UpstreamProfile profile;
    profile.identity.providerId = m_settings.id;
    profile.identity.providerUserId = text(field("provider_user_id"));
    profile.email = text(field("email"));
    profile.emailVerified = truthy(field("email_verified"));
    profile.name = text(field("name"));
    profile.upstreamUsername = text(field("preferred_username"));
    return profile;
}

void OAuth2Upstream::addPrimaryEmail(UpstreamProfile profile, const QByteArray &accessToken, OutcomeCallback done)
{
    m_http.get(m_settings.emailsEndpoint, accessToken, [this, profile, done](const UpstreamReply &reply) mutable {
        const QJsonArray emails = QJsonDocument::fromJson(reply.body).array();
        if (!reply.isSuccess()) {
            // Without the list (scope not granted, say) the person can still sign in.
            qCWarning(lcUpstream, "%s: emails endpoint failed (%s)", qPrintable(m_settings.id),
                      qPrintable(logText(reply.detail)));
        }
        for (const QJsonValue &entry : emails) {
            const QJsonObject e = entry.toObject();
            if (truthy(e.value(QLatin1String("primary"))) && truthy(e.value(QLatin1String("verified")))
                && !text(e.value(QLatin1String("email"))).isEmpty()) {
                profile.email = text(e.value(QLatin1String("email")));
                profile.emailVerified = true;
                break;
            }
        }
        done(accept(profile));
    });
}
