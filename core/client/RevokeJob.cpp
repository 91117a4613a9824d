#include "RevokeJob.h"

#include "FormData.h"
#include "RequestFactory.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>

RevokeJob::RevokeJob(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &clientId,
                     const QString &token, QObject *parent)
    : NetworkJob(manager, parent)
    , m_endpoint(endpoint)
    , m_body(FormData::encode({{QStringLiteral("token"), token},
                               {QStringLiteral("token_type_hint"), QStringLiteral("refresh_token")},
                               {QStringLiteral("client_id"), clientId}}))
{
}

QNetworkReply *RevokeJob::send()
{
    return manager()->post(RequestFactory::form(m_endpoint, TimeoutMs), m_body);
}

void RevokeJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 200)
        fail(ClientError::fromHttp(status, body, reply->rawHeader("Retry-After")));
}
