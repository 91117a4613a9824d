#pragma once

#include "JwkSet.h"
#include "NetworkJob.h"

#include <QUrl>

// GET jwks_uri: the provider's signing keys.
class JwksJob : public NetworkJob
{
    Q_OBJECT
public:
    JwksJob(QNetworkAccessManager *manager, const QUrl &url, QObject *parent = nullptr);
    const JwkSet &keys() const { return m_keys; }

protected:
    QNetworkReply *send() override;
    void parse(int status, const QByteArray &body, QNetworkReply *reply) override;

private:
    QUrl m_url;
    JwkSet m_keys;
};
