#include "UpstreamProvider.h"
#include "ServerLogging.h"

#include "FormData.h"
#include "Pkce.h"

#include <QJsonObject>
#include <QUrlQuery>

namespace {
constexpr qsizetype MaxUserId = 255;
constexpr qsizetype MaxName = 200;
constexpr qsizetype MaxEmail = 254;
constexpr qsizetype MaxUsername = 64;

bool hasControlCharacters(const QString &text)
{
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return true;
    }
    return false;
}
} // namespace

UpstreamProvider::UpstreamProvider(const UpstreamSettings &settings, UpstreamHttp &http, const Clock &clock,
                                   QObject *parent)
    : Connector(settings, parent)
    , m_http(http)
    , m_clock(clock)
{
}

void UpstreamProvider::begin(const UpstreamAttempt &attempt, UrlCallback done)
{
    withEndpoints([this, attempt, done](const Endpoints *endpoints, const ServerError &failure) {
        if (!endpoints) {
            done(failure);
            return;
        }
        QList<std::pair<QString, QString>> fields{{QStringLiteral("response_type"), QStringLiteral("code")},
                                                  {QStringLiteral("client_id"), m_settings.clientId},
                                                  {QStringLiteral("redirect_uri"), attempt.redirectUri},
                                                  {QStringLiteral("state"), attempt.state}};
        if (!m_settings.scopes.isEmpty())
            fields.append({QStringLiteral("scope"), m_settings.scopes.join(u' ')});
        if (usesNonce())
            fields.append({QStringLiteral("nonce"), attempt.nonce});
        if (!attempt.verifier.isEmpty()) {
            fields.append({QStringLiteral("code_challenge"), QString::fromLatin1(Pkce::challengeFor(attempt.verifier))});
            fields.append({QStringLiteral("code_challenge_method"), QStringLiteral("S256")});
        }
        for (const auto &[standardName, value] : attempt.hints.given()) {
            const QString name = hintParameter(standardName);
            const QString accepted = name.isEmpty() ? QString() : hintValue(standardName, value);
            if (!accepted.isEmpty())
                fields.append({name, accepted});
        }
        QUrl url = endpoints->authorization;
        QUrlQuery query(url); // keeps parameters the provider put in its own URL (a tenant, say)
        for (const auto &[name, value] : fields)
            query.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(value)));
        url.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
        done(url);
    });
}

QString UpstreamProvider::hintParameter(QLatin1String standardName) const
{
    return m_settings.forwardParameters.value(standardName);
}

void UpstreamProvider::finish(const QString &code, const UpstreamAttempt &attempt, OutcomeCallback done)
{
    withEndpoints([this, code, attempt, done](const Endpoints *endpoints, const ServerError &failure) {
        if (!endpoints)
            done(failure);
        else
            exchange(*endpoints, code, attempt, done);
    });
}

QByteArray UpstreamProvider::tokenRequest(const QString &code, const UpstreamAttempt &attempt) const
{
    QList<std::pair<QString, QString>> fields{{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                              {QStringLiteral("code"), code},
                                              {QStringLiteral("redirect_uri"), attempt.redirectUri}};
    if (!attempt.verifier.isEmpty())
        fields.append({QStringLiteral("code_verifier"), QString::fromLatin1(attempt.verifier)});
    if (m_settings.clientAuth == UpstreamSettings::ClientAuth::SecretPost) {
        fields.append({QStringLiteral("client_id"), m_settings.clientId});
        fields.append({QStringLiteral("client_secret"), QString::fromUtf8(m_settings.clientSecret)});
    }
    return FormData::encode(fields);
}

void UpstreamProvider::exchange(const Endpoints &endpoints, const QString &code, const UpstreamAttempt &attempt,
                                OutcomeCallback done)
{
    const bool basic = m_settings.clientAuth == UpstreamSettings::ClientAuth::SecretBasic;
    m_http.postForm(endpoints.token, tokenRequest(code, attempt), basic ? m_settings.clientId.toUtf8() : QByteArray(),
                    basic ? m_settings.clientSecret : QByteArray(), [this, attempt, done](const UpstreamReply &reply) {
                        if (!reply.reached() || reply.status >= 500) {
                            done(unavailable(reply, QStringLiteral("token endpoint")));
                            return;
                        }
                        const QJsonObject tokens = reply.json();
                        // GitHub answers errors with 200 and an "error" member.
                        const QString error = tokens.value(QLatin1String("error")).toString();
                        if (!reply.isSuccess() || !error.isEmpty()) {
                            done(UpstreamError::refused(
                                QStringLiteral(
                                    "%1 did not accept the sign-in (%2). Start signing in again from the app.")
                                    .arg(m_settings.name,
                                         error.isEmpty() ? QStringLiteral("HTTP %1").arg(reply.status) : error.left(64)),
                                QStringLiteral("token endpoint answered %1 %2").arg(reply.status).arg(error.left(64))));
                            return;
                        }
                        profileFrom(tokens, attempt, done);
                    });
}

ServerError UpstreamProvider::unavailable(const UpstreamReply &reply, const QString &what) const
{
    const QString log = QStringLiteral("%1: %2").arg(what, reply.detail);
    switch (reply.failure) {
    case UpstreamReply::Failure::Timeout:
        return UpstreamError::unavailable(QStringLiteral(
                                              "%1 did not answer within %2 seconds. Try again in a few minutes.")
                                              .arg(m_settings.name)
                                              .arg(m_http.deadlineMs() / 1000),
                                          log);
    case UpstreamReply::Failure::TooLarge:
        return invalid(QStringLiteral("its answer was too large"), log);
    case UpstreamReply::Failure::Unreachable:
        return UpstreamError::unavailable(
            QStringLiteral("%1 cannot be reached right now. Try again in a few minutes.").arg(m_settings.name), log);
    case UpstreamReply::Failure::None:
        break;
    }
    return UpstreamError::unavailable(QStringLiteral(
                                          "%1 is having problems right now (HTTP %2). Try again in a few minutes.")
                                          .arg(m_settings.name)
                                          .arg(reply.status),
                                      log);
}

ServerError UpstreamProvider::invalid(const QString &problem, const QString &logDetail) const
{
    return UpstreamError::invalid(
        QStringLiteral("%1's answer could not be trusted: %2. Start signing in again from the app; if this keeps "
                       "happening, tell the administrator of this server.")
            .arg(m_settings.name, problem),
        logDetail.isEmpty() ? problem : logDetail);
}

UpstreamOutcome UpstreamProvider::accept(UpstreamProfile profile) const
{
    profile.identity.providerId = m_settings.id;
    const QString &userId = profile.identity.providerUserId;
    if (userId.isEmpty() || userId.size() > MaxUserId || hasControlCharacters(userId))
        return invalid(QStringLiteral("it did not name the user with a usable id"));
    profile.email = profile.email.trimmed();
    if (profile.email.size() > MaxEmail || !profile.email.contains(u'@') || hasControlCharacters(profile.email)) {
        profile.email.clear();
        profile.emailVerified = false;
    }
    profile.name = profile.name.simplified().left(MaxName);
    if (hasControlCharacters(profile.name))
        profile.name.clear();
    if (profile.upstreamUsername.size() > MaxUsername || hasControlCharacters(profile.upstreamUsername))
        profile.upstreamUsername.clear();
    qCInfo(lcUpstream, "%s: signed in user id of %lld characters", qPrintable(m_settings.id), qlonglong(userId.size()));
    return profile;
}

QString UpstreamProvider::text(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble()) {
        const double number = value.toDouble();
        if (number >= 0 && number < 9e15 && number == double(qint64(number)))
            return QString::number(qint64(number));
    }
    return {};
}

bool UpstreamProvider::truthy(const QJsonValue &value)
{
    // Some providers send "true" as a string.
    return value.toBool(false) || value.toString() == QLatin1String("true");
}
