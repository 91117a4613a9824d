#include "OidcUpstream.h"

#include "ClaimNames.h"
#include "Clock.h"
#include "LogText.h"
#include "ProvidersFile.h"
#include "TokenValidator.h"

#include <QJsonArray>
#include <QMetaEnum>

namespace {

QString discoveryUrl(QString issuer)
{
    while (issuer.endsWith(u'/'))
        issuer.chop(1);
    return issuer + QStringLiteral("/.well-known/openid-configuration");
}

QUrl endpoint(const QJsonObject &document, const char *name, QString *problem)
{
    const QUrl url(document.value(QLatin1String(name)).toString(), QUrl::StrictMode);
    if (problem->isEmpty() && (!url.isValid() || !ProvidersFile::isAcceptableUrl(url)))
        *problem = QStringLiteral("%1 is missing or not https").arg(QLatin1String(name));
    return url;
}

// auth_time as the ID token states it (OIDC Core 2: a JSON number of
// seconds); 0, "not reported", for anything else. The broker's own ID token
// then carries it (SignInFlow, which takes the answer time for 0 and for a
// time in the future).
//
// max_age: OIDC Core 3.1.2.1 makes auth_time REQUIRED when max_age was
// sent, and 3.1.3.7 leaves the freshness check to whoever asked. The broker
// does not refuse here: an auth_time older than max_age reaches the app and
// the server's own re-authentication rule unchanged, so both see that the
// upstream did not ask again and decide as they would for any old sign-in;
// an upstream that leaves auth_time out is treated like an OAuth 2.0
// provider, which never states one: the time it answered counts.
qint64 authTimeOf(const QJsonValue &claim)
{
    if (!claim.isDouble())
        return 0;
    const double seconds = claim.toDouble();
    return seconds >= 1 && seconds < 1e11 ? qint64(seconds) : 0;
}

} // namespace

void OidcUpstream::prepare()
{
    withEndpoints([this](const Endpoints *endpoints, const ServerError &failure) {
        if (!endpoints)
            qCWarning(lcUpstream, "%s: discovery failed, retried at the next sign-in: %s", qPrintable(m_settings.id),
                      qPrintable(logText(failure.logDetail)));
    });
}

void OidcUpstream::withEndpoints(EndpointsCallback next)
{
    if (m_metadata) {
        next(&m_metadata->endpoints, {});
        return;
    }
    m_waiting.append(std::move(next));
    if (!m_discovering)
        discover();
}

void OidcUpstream::discover()
{
    m_discovering = true;
    m_http.get(QUrl(discoveryUrl(m_settings.issuer)), {}, [this](const UpstreamReply &reply) {
        m_discovering = false;
        ServerError failure;
        QString problem;
        if (!reply.reached() || reply.status >= 500)
            failure = unavailable(reply, QStringLiteral("discovery"));
        else if (auto metadata = readDiscovery(reply, &problem))
            m_metadata = metadata;
        else
            failure = invalid(QStringLiteral("its discovery document is not usable"),
                              QStringLiteral("discovery: ") + problem);
        const QList<EndpointsCallback> waiting = std::exchange(m_waiting, {});
        for (const auto &next : waiting)
            next(m_metadata ? &m_metadata->endpoints : nullptr, failure);
    });
}

QString OidcUpstream::hintValue(QLatin1String standardName, const QString &value) const
{
    if (standardName != UpstreamHints::Prompt)
        return value;
    // OIDC Core lets a provider refuse a prompt value it does not support,
    // and some do (node-oidc-provider: select_account) without publishing
    // prompt_values_supported: unlisted, only login, which all take, is sent.
    const QStringList accepted = m_settings.promptValuesSet ? m_settings.promptValues
        : m_metadata && !m_metadata->promptValues.isEmpty() ? m_metadata->promptValues
                                                            : QStringList{QStringLiteral("login")};
    QStringList kept;
    for (const QString &prompt : value.split(u' ', Qt::SkipEmptyParts)) {
        if (accepted.contains(prompt))
            kept.append(prompt);
        else
            qCDebug(lcUpstream, "%s: prompt=%s not sent: the provider does not list it", qPrintable(m_settings.id),
                    qPrintable(prompt));
    }
    return kept.join(u' ');
}

std::optional<OidcUpstream::Metadata> OidcUpstream::readDiscovery(const UpstreamReply &reply, QString *problem) const
{
    const QJsonObject document = reply.json();
    if (!reply.isSuccess() || document.isEmpty()) {
        *problem = QStringLiteral("%1, not a JSON object").arg(reply.detail);
        return std::nullopt;
    }
    // OIDC Discovery 4.3: the issuer must be exactly the one configured.
    if (document.value(QLatin1String("issuer")).toString() != m_settings.issuer) {
        *problem = QStringLiteral("it names the issuer \"%1\", not \"%2\"")
                       .arg(document.value(QLatin1String("issuer")).toString().left(200), m_settings.issuer);
        return std::nullopt;
    }
    Metadata m;
    m.endpoints.authorization = endpoint(document, "authorization_endpoint", problem);
    m.endpoints.token = endpoint(document, "token_endpoint", problem);
    m.jwks = endpoint(document, "jwks_uri", problem);
    if (document.contains(QLatin1String("userinfo_endpoint")))
        m.userinfo = endpoint(document, "userinfo_endpoint", problem);
    for (const QJsonValue &alg : document.value(QLatin1String("id_token_signing_alg_values_supported")).toArray())
        m.algorithms.append(alg.toString());
    if (m.algorithms.isEmpty())
        m.algorithms = {QStringLiteral("RS256")}; // OIDC Discovery 3: the default
    for (const QJsonValue &prompt : document.value(QLatin1String("prompt_values_supported")).toArray())
        m.promptValues.append(prompt.toString());
    if (!problem->isEmpty())
        return std::nullopt;
    return m;
}

void OidcUpstream::fetchKeys(std::function<void(const Result<void> &fetched)> next)
{
    m_http.get(m_metadata->jwks, {}, [this, next](const UpstreamReply &reply) {
        if (!reply.reached() || reply.status >= 500) {
            next(unavailable(reply, QStringLiteral("jwks")));
            return;
        }
        const QJsonObject json = reply.json();
        if (!reply.isSuccess() || !json.value(QLatin1String("keys")).isArray()) {
            next(invalid(QStringLiteral("its signing keys could not be read"), QStringLiteral("jwks: ") + reply.detail));
            return;
        }
        m_keys = JwkSet::fromJson(json);
        next({});
    });
}

void OidcUpstream::profileFrom(const QJsonObject &tokens, const UpstreamAttempt &attempt, OutcomeCallback done)
{
    const QString idToken = tokens.value(QLatin1String("id_token")).toString();
    if (idToken.isEmpty()) {
        done(invalid(QStringLiteral("it sent no ID token")));
        return;
    }
    const QByteArray accessToken = tokens.value(QLatin1String("access_token")).toString().toLatin1();
    verify(idToken, accessToken, attempt, false, done);
}

void OidcUpstream::verify(const QString &idToken, const QByteArray &accessToken, const UpstreamAttempt &attempt,
                          bool keysFresh, OutcomeCallback done)
{
    TokenValidator validator(m_settings.issuer, m_settings.clientId, [this] { return m_clock.now(); });
    validator.setAcceptedAlgorithms(m_metadata->algorithms);
    const auto result = m_keys.isEmpty() ? TokenValidator::Result{TokenValidator::Error::UnknownKey, {}, {}}
                                         : validator.validateIdToken(idToken, m_keys, attempt.nonce);
    if (result.error == TokenValidator::Error::UnknownKey && !keysFresh) {
        // No keys yet, or one the provider rotated in since the set was fetched: fetch once more.
        fetchKeys([=, this](const Result<void> &fetched) {
            if (!fetched)
                done(fetched.error());
            else
                verify(idToken, accessToken, attempt, true, done);
        });
        return;
    }
    if (!result.ok()) {
        const char *error = QMetaEnum::fromType<TokenValidator::Error>().valueToKey(int(result.error));
        done(invalid(QStringLiteral("its ID token failed verification (%1)").arg(QLatin1String(error)),
                     QStringLiteral("ID token rejected: %1").arg(result.message)));
        return;
    }
    const QJsonObject &c = result.claims;
    UpstreamProfile profile;
    profile.identity.providerId = m_settings.id;
    profile.identity.providerUserId = c.value(QLatin1String(Claim::Subject)).toString();
    profile.email = text(c.value(QLatin1String(Claim::Email)));
    profile.emailVerified = truthy(c.value(QLatin1String(Claim::EmailVerified)));
    profile.name = text(c.value(QLatin1String(Claim::Name)));
    profile.upstreamUsername = text(c.value(QLatin1String(Claim::PreferredUsername)));
    profile.authTime = authTimeOf(c.value(QLatin1String(Claim::AuthTime)));
    if ((profile.email.isEmpty() || profile.name.isEmpty()) && m_metadata->userinfo.isValid() && !accessToken.isEmpty())
        completeFromUserinfo(profile, accessToken, done);
    else
        done(accept(profile));
}

void OidcUpstream::completeFromUserinfo(UpstreamProfile profile, const QByteArray &accessToken, OutcomeCallback done)
{
    m_http.get(m_metadata->userinfo, accessToken, [this, profile, done](const UpstreamReply &reply) mutable {
        const QJsonObject info = reply.json();
        if (!reply.isSuccess() || info.isEmpty()) {
            // The ID token already proved who this is; only extras are missing.
            qCWarning(lcUpstream, "%s: userinfo failed (%s); going on with the ID token's claims",
                      qPrintable(m_settings.id), qPrintable(logText(reply.detail)));
            done(accept(profile));
            return;
        }
        // OIDC Core 5.3.2: a userinfo answer about someone else is not used.
        if (info.value(QLatin1String(Claim::Subject)).toString() != profile.identity.providerUserId) {
            done(invalid(QStringLiteral("its user information is about another user")));
            return;
        }
        if (profile.email.isEmpty()) {
            profile.email = text(info.value(QLatin1String(Claim::Email)));
            profile.emailVerified = truthy(info.value(QLatin1String(Claim::EmailVerified)));
        }
        if (profile.name.isEmpty())
            profile.name = text(info.value(QLatin1String(Claim::Name)));
        if (profile.upstreamUsername.isEmpty())
            profile.upstreamUsername = text(info.value(QLatin1String(Claim::PreferredUsername)));
        done(accept(profile));
    });
}
