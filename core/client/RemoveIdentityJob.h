#pragma once

#include "NetworkJob.h"

#include <QUrl>

// DELETE {identities_endpoint}/<provider_id> with the access token
// (PROTOCOL.md 6.5): 204 or 200 on success; 409 last_identity, 404 when
// not linked, 403 reauthentication_required come back as errors.
class RemoveIdentityJob : public NetworkJob
{
    Q_OBJECT
public:
    RemoveIdentityJob(QNetworkAccessManager *manager, const QUrl &identitiesEndpoint, const QString &providerId,
                      const QString &accessToken, QObject *parent = nullptr);
    QString providerId() const { return m_providerId; }

protected:
    QNetworkReply *send() override;
    void parse(int status, const QByteArray &body, QNetworkReply *reply) override;

private:
    QUrl m_endpoint;
    QString m_providerId;
    QString m_accessToken;
};
