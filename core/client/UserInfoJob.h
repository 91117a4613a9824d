#pragma once

#include "NetworkJob.h"

#include <QJsonObject>
#include <QUrl>

// GET userinfo with the access token: the claims a provider keeps out of the ID token.
class UserInfoJob : public NetworkJob
{
    Q_OBJECT
public:
    UserInfoJob(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &accessToken,
                QObject *parent = nullptr);
    const QJsonObject &claims() const { return m_claims; }

protected:
    QNetworkReply *send() override;
    void parse(int status, const QByteArray &body, QNetworkReply *reply) override;

private:
    QUrl m_endpoint;
    QString m_accessToken;
    QJsonObject m_claims;
};
