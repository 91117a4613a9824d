#include "SimulatedConnector.h"

#include "Base64Url.h"
#include "Clock.h"
#include "KeyCipher.h"
#include "QaFaults.h"
#include "UpstreamOutcome.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace {
const QString UserId = QStringLiteral("sub");
const QString Email = QStringLiteral("email");
const QString EmailVerified = QStringLiteral("email_verified");
const QString Name = QStringLiteral("name");
const QString Login = QStringLiteral("login");
const QString Fault = QStringLiteral("qa_fault");
const QString Expires = QStringLiteral("exp");
} // namespace

SimulatedConnector::SimulatedConnector(const UpstreamSettings &settings, const KeyCipher &cipher, const Clock &clock,
                                       QObject *parent)
    : Connector(settings, parent)
    , m_cipher(cipher)
    , m_clock(clock)
{
}

void SimulatedConnector::begin(const UpstreamAttempt &attempt, UrlCallback done)
{
    // The page is served by this server, next to the callback.
    QUrl page = QUrl(attempt.redirectUri).resolved(QUrl(pagePath(m_settings.id)));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("state"), QString::fromLatin1(QUrl::toPercentEncoding(attempt.state)));
    page.setQuery(query);
    done(page);
}

void SimulatedConnector::finish(const QString &code, const UpstreamAttempt &attempt, OutcomeCallback done)
{
    const auto profile = openCode(code, attempt.state);
    if (!profile) {
        done(UpstreamError::invalid(QStringLiteral("The answer from the simulated %1 page is not valid (forged, "
                                                   "from another sign-in or older than a minute). Start signing "
                                                   "in again from the app.")
                                        .arg(m_settings.name),
                                    QStringLiteral("simulated code rejected")));
        return;
    }
    // QA fault: as if the provider's token endpoint could not be reached.
    if (QaFaults::honoured(true, profile->qaFault) == QaFaults::Fault::ProviderDown) {
        done(UpstreamError::unavailable(QStringLiteral("%1 could not be reached. Try again in a moment.")
                                            .arg(m_settings.name),
                                        QStringLiteral("QA fault provider-down")));
        return;
    }
    done(*profile);
}

QString SimulatedConnector::issueCode(const UpstreamProfile &profile, const QString &upstreamState) const
{
    const QJsonObject fields{{UserId, profile.identity.providerUserId}, {Email, profile.email},
                             {EmailVerified, profile.emailVerified},    {Name, profile.name},
                             {Login, profile.upstreamUsername},         {Fault, profile.qaFault},
                             {Expires, m_clock.now() + CodeLifetime}};
    const QByteArray sealed = m_cipher.seal(QJsonDocument(fields).toJson(QJsonDocument::Compact),
                                            associatedData(upstreamState));
    return QString::fromLatin1(Base64Url::encode(QByteArray::fromBase64(sealed)));
}

std::optional<UpstreamProfile> SimulatedConnector::openCode(const QString &code, const QString &upstreamState) const
{
    const auto raw = Base64Url::decode(code.toLatin1());
    if (!raw || upstreamState.isEmpty())
        return std::nullopt;
    const auto json = m_cipher.open(raw->toBase64(), associatedData(upstreamState));
    if (!json)
        return std::nullopt;
    const QJsonObject fields = QJsonDocument::fromJson(*json).object();
    if (fields.value(Expires).toInteger() < m_clock.now())
        return std::nullopt;
    UpstreamProfile profile;
    profile.identity = {m_settings.id, fields.value(UserId).toString(), {}};
    profile.email = fields.value(Email).toString();
    profile.emailVerified = fields.value(EmailVerified).toBool();
    profile.name = fields.value(Name).toString();
    profile.upstreamUsername = fields.value(Login).toString();
    profile.qaFault = fields.value(Fault).toString();
    return profile;
}

QByteArray SimulatedConnector::associatedData(const QString &upstreamState) const
{
    // Bound to this provider and this attempt: a code copied elsewhere does not open.
    return QByteArrayLiteral("qa-code\n") + m_settings.id.toUtf8() + '\n' + upstreamState.toUtf8();
}
