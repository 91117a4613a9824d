#include "LinkRequestJob.h"

#include "ClaimNames.h"
#include "ProviderMetadata.h"
#include "RequestFactory.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace {
// An opaque id of at least 128 bits; anything longer than this is not one.
constexpr int MaxLinkIdLength = 512;
} // namespace

LinkRequestJob::LinkRequestJob(QNetworkAccessManager *manager, const QUrl &endpoint, QObject *parent)
    : NetworkJob(manager, parent)
    , m_endpoint(endpoint)
{
}

LinkRequestJob *LinkRequestJob::fromOnboarding(QNetworkAccessManager *manager, const QUrl &endpoint,
                                               const QString &onboardingToken, const QByteArray &codeVerifier,
                                               const QString &clientId, QObject *parent)
{
    auto *job = new LinkRequestJob(manager, endpoint, parent);
    job->m_body = {{QLatin1String(OnboardField::OnboardingToken), onboardingToken},
                   {QLatin1String(OnboardField::CodeVerifier), QString::fromLatin1(codeVerifier)},
                   {QLatin1String(OnboardField::ClientId), clientId}};
    return job;
}

LinkRequestJob *LinkRequestJob::fromSession(QNetworkAccessManager *manager, const QUrl &endpoint,
                                            const QString &accessToken, const QString &clientId,
                                            const QString &provider, QObject *parent)
{
    auto *job = new LinkRequestJob(manager, endpoint, parent);
    job->m_accessToken = accessToken;
    job->m_body = {{QLatin1String(OnboardField::ClientId), clientId}, {QLatin1String(LinkField::Provider), provider}};
    return job;
}

QNetworkReply *LinkRequestJob::send()
{
    const QNetworkRequest request = m_accessToken.isEmpty() ? RequestFactory::json(m_endpoint)
                                                            : RequestFactory::authorizedJson(m_endpoint, m_accessToken);
    return manager()->post(request, QJsonDocument(m_body).toJson(QJsonDocument::Compact));
}

void LinkRequestJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 201 && status != 200) {
        fail(ClientError::fromHttp(status, body, reply->rawHeader("Retry-After")));
        return;
    }
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    const QJsonValue linkId = json.value(QLatin1String(LinkField::LinkId));
    if (!linkId.isString() || linkId.toString().isEmpty() || linkId.toString().size() > MaxLinkIdLength) {
        fail(ClientError::make(ClientError::Code::InvalidResponse, QStringLiteral("link request without \"link_id\"")));
        return;
    }
    m_link.linkId = linkId.toString();
    m_link.expiresIn = qint64(json.value(QLatin1String(LinkField::ExpiresIn)).toDouble());
    // The same shape and bounds as discovery's upstream_providers.
    m_link.providers = ProviderMetadata::parseUpstreamProviders(json.value(QLatin1String(LinkField::Providers)));
}
