#include "RemoveIdentityJob.h"

#include "RequestFactory.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>

RemoveIdentityJob::RemoveIdentityJob(QNetworkAccessManager *manager, const QUrl &identitiesEndpoint,
                                     const QString &providerId, const QString &accessToken, QObject *parent)
    : NetworkJob(manager, parent)
    , m_endpoint(identitiesEndpoint)
    , m_providerId(providerId)
    , m_accessToken(accessToken)
{
    // The id is one path segment, percent-encoded: never a way to another path.
    QString path = m_endpoint.path(QUrl::FullyEncoded);
    if (!path.endsWith(QLatin1Char('/')))
        path += QLatin1Char('/');
    m_endpoint.setPath(path + QString::fromLatin1(QUrl::toPercentEncoding(providerId)));
}

QNetworkReply *RemoveIdentityJob::send()
{
    return manager()->deleteResource(RequestFactory::authorized(m_endpoint, m_accessToken));
}

void RemoveIdentityJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 204 && status != 200)
        fail(ClientError::fromHttp(status, body, reply->rawHeader("Retry-After")));
}
