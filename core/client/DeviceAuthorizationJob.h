#pragma once

#include "DeviceAuthorization.h"
#include "NetworkJob.h"

// POST {device_authorization_endpoint} with client_id and scope (RFC 8628 3.1).
class DeviceAuthorizationJob : public NetworkJob
{
    Q_OBJECT
public:
    DeviceAuthorizationJob(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &clientId,
                           const QString &scope, QObject *parent = nullptr);
    const DeviceAuthorization &authorization() const { return m_authorization; }

protected:
    QNetworkReply *send() override;
    void parse(int status, const QByteArray &body, QNetworkReply *reply) override;

private:
    QUrl m_endpoint;
    QByteArray m_body;
    DeviceAuthorization m_authorization;
};
