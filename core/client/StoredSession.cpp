#include "StoredSession.h"

#include <QJsonDocument>
#include <QJsonObject>

QByteArray StoredSession::toJson() const
{
    return QJsonDocument(QJsonObject{{QStringLiteral("refresh_token"), refreshToken},
                                     {QStringLiteral("access_token"), accessToken},
                                     {QStringLiteral("access_token_expires_at"), double(accessTokenExpiresAt)},
                                     {QStringLiteral("id_token"), idToken}})
        .toJson(QJsonDocument::Compact);
}

bool StoredSession::fromJson(const QByteArray &json, StoredSession *session)
{
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    session->refreshToken = o.value(QLatin1String("refresh_token")).toString();
    session->accessToken = o.value(QLatin1String("access_token")).toString();
    session->accessTokenExpiresAt = qint64(o.value(QLatin1String("access_token_expires_at")).toDouble());
    session->idToken = o.value(QLatin1String("id_token")).toString();
    return !session->accessToken.isEmpty() || !session->refreshToken.isEmpty();
}
