#include "IdentitiesJob.h"

#include "ClaimNames.h"
#include "ClientError.h"
#include "RequestFactory.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace {
// Text from the network for one line of a list: bounded, no line breaks.
QString line(const QJsonValue &value, int max)
{
    return value.toString().simplified().left(max);
}
} // namespace

IdentitiesJob::IdentitiesJob(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &accessToken,
                             QObject *parent)
    : NetworkJob(manager, parent)
    , m_endpoint(endpoint)
    , m_accessToken(accessToken)
{
}

QNetworkReply *IdentitiesJob::send()
{
    return manager()->get(RequestFactory::authorized(m_endpoint, m_accessToken));
}

void IdentitiesJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 200) {
        fail(ClientError::fromHttp(status, body, reply->rawHeader("Retry-After")));
        return;
    }
    const QJsonValue list = QJsonDocument::fromJson(body).object().value(QLatin1String(LinkField::Identities));
    if (!list.isArray()) {
        fail(ClientError::make(ClientError::Code::InvalidResponse, QStringLiteral("no \"identities\" list")));
        return;
    }
    for (const QJsonValue &entry : list.toArray()) {
        if (m_identities.size() == MaxIdentities)
            break;
        const QJsonObject o = entry.toObject();
        IdentityInfo identity{line(o.value(QLatin1String(LinkField::IdentityProviderId)), 64),
                              line(o.value(QLatin1String(LinkField::IdentityProvider)), 80),
                              line(o.value(QLatin1String(LinkField::IdentityEmail)), 320),
                              qint64(o.value(QLatin1String(LinkField::IdentityLinkedAt)).toDouble())};
        if (identity.providerId.isEmpty())
            continue; // nothing to remove it by
        if (identity.provider.isEmpty())
            identity.provider = identity.providerId;
        m_identities.append(identity);
    }
}
