#include "DiscoveryJob.h"

#include "Protocol.h"
#include "RequestFactory.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

DiscoveryJob::DiscoveryJob(QNetworkAccessManager *manager, const QString &issuer, QObject *parent)
    : NetworkJob(manager, parent)
    , m_issuer(issuer)
{
}

QNetworkReply *DiscoveryJob::send()
{
    const QUrl url(m_issuer + QLatin1String(Protocol::DiscoveryPath));
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        fail(ClientError::make(ClientError::Code::NotAServerAddress, m_issuer));
        return nullptr;
    }
    // Refused before anything is sent: not even discovery goes out in clear text.
    if (!ProviderMetadata::isSecureTransport(url)) {
        fail(ClientError::make(ClientError::Code::InsecureIssuer, m_issuer));
        return nullptr;
    }
    return manager()->get(RequestFactory::create(url));
}

void DiscoveryJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 200) {
        fail(ClientError::fromHttp(status, body, reply->rawHeader("Retry-After")));
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject()) {
        fail(ClientError::make(ClientError::Code::NotOpenIdProvider, m_issuer));
        return;
    }
    QString problem;
    const auto metadata = ProviderMetadata::fromDiscovery(doc.object(), m_issuer, &problem);
    if (!metadata) {
        const bool issuerProblem = doc.object().value(QLatin1String("issuer")).toString() != m_issuer;
        fail(ClientError::make(issuerProblem ? ClientError::Code::IssuerMismatch : ClientError::Code::Unsupported,
                               problem));
        return;
    }
    m_metadata = *metadata;
}
