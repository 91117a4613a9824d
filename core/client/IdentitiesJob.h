#pragma once

#include "IdentityInfo.h"
#include "NetworkJob.h"

#include <QUrl>

// GET identities_endpoint with the access token (PROTOCOL.md 6.5): the
// account's sign-in methods.
class IdentitiesJob : public NetworkJob
{
    Q_OBJECT
public:
    // More than any account has; the rest of a longer list is left out.
    static constexpr int MaxIdentities = 50;

    IdentitiesJob(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &accessToken,
                  QObject *parent = nullptr);
    const QList<IdentityInfo> &identities() const { return m_identities; }

protected:
    QNetworkReply *send() override;
    void parse(int status, const QByteArray &body, QNetworkReply *reply) override;

private:
    QUrl m_endpoint;
    QString m_accessToken;
    QList<IdentityInfo> m_identities;
};
