#pragma once

#include "NetworkJob.h"

#include <QUrl>

// RFC 7009 revocation of a refresh token; best effort on sign-out.
class RevokeJob : public NetworkJob
{
    Q_OBJECT
public:
    static constexpr int TimeoutMs = 3000;

    RevokeJob(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &clientId, const QString &token,
              QObject *parent = nullptr);

protected:
    QNetworkReply *send() override;
    void parse(int status, const QByteArray &body, QNetworkReply *reply) override;

private:
    QUrl m_endpoint;
    QByteArray m_body;
};
