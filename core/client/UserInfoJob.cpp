#include "UserInfoJob.h"

#include "ClaimNames.h"
#include "RequestFactory.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

UserInfoJob::UserInfoJob(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &accessToken,
                         QObject *parent)
    : NetworkJob(manager, parent)
    , m_endpoint(endpoint)
    , m_accessToken(accessToken)
{
}

QNetworkReply *UserInfoJob::send()
{
    return manager()->get(RequestFactory::authorized(m_endpoint, m_accessToken));
}

void UserInfoJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 200) {
        fail(ClientError::fromHttp(status, body, reply->rawHeader("Retry-After")));
        return;
    }
    m_claims = QJsonDocument::fromJson(body).object();
    if (m_claims.value(QLatin1String(Claim::Subject)).toString().isEmpty())
        fail(ClientError::make(ClientError::Code::InvalidResponse, QStringLiteral("userinfo without \"sub\"")));
}
