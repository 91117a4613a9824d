#include "JwkSet.h"

#include <QJsonArray>

JwkSet JwkSet::fromJson(const QJsonObject &json, QStringList *skipped)
{
    JwkSet set;
    const QJsonArray keys = json.value(QLatin1String("keys")).toArray();
    for (const auto &value : keys) {
        const QJsonObject object = value.toObject();
        const QString use = object.value(QLatin1String("use")).toString();
        QString error;
        std::optional<Jwk> key;
        if (!use.isEmpty() && use != QLatin1String("sig"))
            error = QStringLiteral("not a signing key (use \"%1\")").arg(use);
        else
            key = Jwk::fromJson(object, &error);
        if (key && !key->hasPrivateKey())
            set.add(*key);
        else if (skipped)
            skipped->append(QStringLiteral("%1: %2").arg(object.value(QLatin1String("kid")).toString(),
                                                         key ? QStringLiteral("private key in a public set") : error));
    }
    return set;
}

QJsonObject JwkSet::toJson() const
{
    QJsonArray keys;
    for (const auto &key : m_keys)
        keys.append(key.toPublicJson());
    return QJsonObject{{QLatin1String("keys"), keys}};
}

Jwk JwkSet::find(const QString &kid) const
{
    for (const auto &key : m_keys) {
        if (key.kid() == kid)
            return key;
    }
    return {};
}
