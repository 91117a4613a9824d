#include "KeyStore.h"

#include "Clock.h"
#include "Protocol.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <limits>

namespace {
constexpr auto OwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
// Longest-lived token a key signs, plus the verifiers' clock-skew leeway.
constexpr qint64 SignedTokenLifetime = std::max({Protocol::AccessTokenLifetimeSeconds,
                                                 Protocol::IdTokenLifetimeSeconds,
                                                 Protocol::OnboardingTokenLifetimeSeconds})
    + Protocol::ClockSkewLeewaySeconds;
} // namespace

KeyStore::KeyStore(const Clock &clock)
    : m_clock(clock)
{
}

bool KeyStore::load(const QString &path, const QString &algorithm, QString *error)
{
    m_path = path;
    m_type = algorithm == QLatin1String("RS256") ? Jwk::Type::Rsa : Jwk::Type::EcP256;
    m_entries.clear();
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the signing keys in %1: %2").arg(path, file.errorString());
            return false;
        }
        const QJsonArray keys = QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("keys")).toArray();
        for (const auto &value : keys) {
            QString keyError;
            const auto key = Jwk::fromJson(value.toObject().value(QLatin1String("jwk")).toObject(), &keyError);
            if (!key || !key->hasPrivateKey()) {
                *error = QStringLiteral("the signing key file %1 is damaged: %2").arg(path, keyError);
                return false;
            }
            m_entries.append({*key, qint64(value.toObject().value(QLatin1String("activates_at")).toDouble()),
                              key->publicKey()});
        }
        if (file.permissions() & ~(OwnerOnly | QFileDevice::ReadUser | QFileDevice::WriteUser))
            file.setPermissions(OwnerOnly);
    }
    const bool hasKeyOfType = std::any_of(m_entries.cbegin(), m_entries.cend(),
                                          [this](const Entry &e) { return e.key.type() == m_type; });
    if (!hasKeyOfType) {
        // Nothing was ever signed with this algorithm here, so no lead is needed.
        const Jwk key = Jwk::generate(m_type);
        m_entries.append({key, m_clock.now(), key.publicKey()});
        return save(error);
    }
    const int before = keyCount();
    prune();
    return before == keyCount() || save(error);
}

bool KeyStore::rotate(QString *error)
{
    const Jwk key = Jwk::generate(m_type);
    m_entries.append({key, m_clock.now() + PublishLead, key.publicKey()});
    prune();
    return save(error);
}

Jwk KeyStore::signingKey() const
{
    const qint64 now = m_clock.now();
    for (auto it = m_entries.crbegin(); it != m_entries.crend(); ++it) {
        if (it->key.type() == m_type && it->activatesAt <= now)
            return it->key;
    }
    return {};
}

JwkSet KeyStore::publishedKeys() const
{
    JwkSet set;
    const qint64 now = m_clock.now();
    for (int i = 0; i < m_entries.size(); ++i) {
        if (retiresAt(i) > now)
            set.add(m_entries.at(i).publicKey);
    }
    return set;
}

qint64 KeyStore::retiresAt(int index) const
{
    // A key signs until a newer key of its type activates; its tokens then live on.
    for (int later = index + 1; later < m_entries.size(); ++later) {
        if (m_entries.at(later).key.type() == m_entries.at(index).key.type())
            return m_entries.at(later).activatesAt + SignedTokenLifetime;
    }
    return std::numeric_limits<qint64>::max();
}

void KeyStore::prune()
{
    const qint64 now = m_clock.now();
    QList<Entry> kept;
    for (int i = 0; i < m_entries.size(); ++i) {
        if (retiresAt(i) > now)
            kept.append(m_entries.at(i));
    }
    m_entries = kept;
}

bool KeyStore::save(QString *error) const
{
    QJsonArray keys;
    for (const auto &entry : m_entries)
        keys.append(QJsonObject{{QLatin1String("jwk"), entry.key.toPrivateJson()},
                                {QLatin1String("activates_at"), double(entry.activatesAt)}});
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(OwnerOnly)) {
        *error = QStringLiteral("cannot write the signing keys to %1: %2").arg(m_path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(QJsonObject{{QLatin1String("keys"), keys}}).toJson());
    if (!file.commit()) {
        *error = QStringLiteral("cannot write the signing keys to %1: %2").arg(m_path, file.errorString());
        return false;
    }
    return true;
}
