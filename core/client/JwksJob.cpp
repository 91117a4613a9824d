#include "JwksJob.h"

#include "RequestFactory.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

JwksJob::JwksJob(QNetworkAccessManager *manager, const QUrl &url, QObject *parent)
    : NetworkJob(manager, parent)
    , m_url(url)
{
}

QNetworkReply *JwksJob::send()
{
    return manager()->get(RequestFactory::create(m_url));
}

void JwksJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 200) {
        fail(ClientError::fromHttp(status, body, reply->rawHeader("Retry-After")));
        return;
    }
    m_keys = JwkSet::fromJson(QJsonDocument::fromJson(body).object());
    if (m_keys.isEmpty())
        fail(ClientError::make(ClientError::Code::NoSigningKey, m_url.toString(QUrl::RemoveQuery)));
}
