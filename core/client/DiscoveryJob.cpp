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
        fail(JobError::make(JobError::Code::Unsupported, tr("\"%1\" is not a server address.").arg(m_issuer)));
        return nullptr;
    }
    // Refused before anything is sent: not even discovery goes out in clear text.
    if (!ProviderMetadata::isSecureTransport(url)) {
        fail(JobError::make(JobError::Code::Unsupported, ProviderMetadata::insecureIssuerProblem(m_issuer)));
        return nullptr;
    }
    return manager()->get(RequestFactory::create(url));
}

void DiscoveryJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 200) {
        fail(JobError::fromHttp(status, body, reply->rawHeader("Retry-After")));
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject()) {
        fail(JobError::make(JobError::Code::InvalidResponse,
                            tr("%1 is not an OpenID Connect server (its discovery document is not JSON).").arg(m_issuer)));
        return;
    }
    QString problem;
    const auto metadata = ProviderMetadata::fromDiscovery(doc.object(), m_issuer, &problem);
    if (!metadata) {
        const bool issuerProblem = doc.object().value(QLatin1String("issuer")).toString() != m_issuer;
        fail(JobError::make(issuerProblem ? JobError::Code::IssuerMismatch : JobError::Code::Unsupported, problem));
        return;
    }
    m_metadata = *metadata;
}
