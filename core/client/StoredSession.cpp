#include "StoredSession.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace {
// The keychain entry's members: saved sessions survive an upgrade only while
// these stay as they are.
constexpr QLatin1String RefreshTokenKey("refresh_token");
constexpr QLatin1String AccessTokenKey("access_token");
constexpr QLatin1String AccessTokenExpiresAtKey("access_token_expires_at");
constexpr QLatin1String IdTokenKey("id_token");
} // namespace

QByteArray StoredSession::toJson() const
{
    return QJsonDocument(QJsonObject{{RefreshTokenKey, refreshToken},
                                     {AccessTokenKey, accessToken},
                                     {AccessTokenExpiresAtKey, double(accessTokenExpiresAt)},
                                     {IdTokenKey, idToken}})
        .toJson(QJsonDocument::Compact);
}

bool StoredSession::fromJson(const QByteArray &json, StoredSession *session)
{
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    session->refreshToken = o.value(RefreshTokenKey).toString();
    session->accessToken = o.value(AccessTokenKey).toString();
    session->accessTokenExpiresAt = qint64(o.value(AccessTokenExpiresAtKey).toDouble());
    session->idToken = o.value(IdTokenKey).toString();
    return !session->accessToken.isEmpty() || !session->refreshToken.isEmpty();
}
