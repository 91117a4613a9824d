#pragma once

#include "NetworkJob.h"
#include "ProviderMetadata.h"

// GET {issuer}/.well-known/openid-configuration, checked against the issuer.
class DiscoveryJob : public NetworkJob
{
    Q_OBJECT
public:
    DiscoveryJob(QNetworkAccessManager *manager, const QString &issuer, QObject *parent = nullptr);
    const ProviderMetadata &metadata() const { return m_metadata; }

protected:
    QNetworkReply *send() override;
    void parse(int status, const QByteArray &body, QNetworkReply *reply) override;

private:
    QString m_issuer;
    ProviderMetadata m_metadata;
};
