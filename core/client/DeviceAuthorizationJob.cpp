#include "DeviceAuthorizationJob.h"

#include "FormData.h"
#include "RequestFactory.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

DeviceAuthorizationJob::DeviceAuthorizationJob(QNetworkAccessManager *manager, const QUrl &endpoint,
                                               const QString &clientId, const QString &scope, QObject *parent)
    : NetworkJob(manager, parent)
    , m_endpoint(endpoint)
    , m_body(FormData::encode({{QStringLiteral("client_id"), clientId}, {QStringLiteral("scope"), scope}}))
{
}

QNetworkReply *DeviceAuthorizationJob::send()
{
    return manager()->post(RequestFactory::form(m_endpoint), m_body);
}

void DeviceAuthorizationJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 200) {
        fail(ClientError::fromHttp(status, body, reply->rawHeader("Retry-After")));
        return;
    }
    QString problem;
    if (!DeviceAuthorization::fromJson(QJsonDocument::fromJson(body).object(), &m_authorization, &problem))
        fail(ClientError::make(ClientError::Code::InvalidResponse, problem));
}
