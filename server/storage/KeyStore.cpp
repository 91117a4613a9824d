#include "KeyStore.h"
#include "ServerLogging.h"

#include "Clock.h"
#include "Database.h"
#include "Protocol.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlQuery>
#include <QStringList>

#include <algorithm>
#include <limits>

namespace {
// Longest-lived token a key signs, plus the verifiers' clock-skew leeway.
constexpr qint64 SignedTokenLifetime = std::max({Protocol::AccessTokenLifetimeSeconds, Protocol::IdTokenLifetimeSeconds,
                                                 Protocol::OnboardingTokenLifetimeSeconds})
    + Protocol::ClockSkewLeewaySeconds;

// The key file as the operator gave it (the default of --key-file when not given).
QString keyFileName(const KeyCipher &cipher)
{
    return cipher.path().isEmpty() ? QStringLiteral("the key-encryption key")
                                   : QStringLiteral("--key-file %1").arg(cipher.path());
}

QString unopenedKeysMessage(const KeyCipher &cipher, int stored, const QStringList &unopened)
{
    if (unopened.size() == stored)
        return QStringLiteral("%1 does not open the signing keys stored in the database: it is not the file they "
                              "were sealed with. Nothing was written; start with that file (every instance of one "
                              "database needs the same --key-file)")
            .arg(keyFileName(cipher));
    // Not a mistyped path: keys of two databases mixed, or rows replaced.
    return QStringLiteral("%1 opens %2 of the %3 signing keys stored in the database, not %4: they were sealed "
                          "with different key files or altered in the database. Nothing was written; find out how "
                          "before starting")
        .arg(keyFileName(cipher))
        .arg(stored - unopened.size())
        .arg(stored)
        .arg(unopened.join(QStringLiteral(", ")));
}
} // namespace

KeyStore::KeyStore(Database &db, const Clock &clock, const KeyCipher &cipher)
    : m_db(db)
    , m_clock(clock)
    , m_cipher(cipher)
{
}

Result<void> KeyStore::prepare(const QString &algorithm, const QString &legacyPath)
{
    m_type = algorithm == QLatin1String("RS256") ? Jwk::Type::Rsa : Jwk::Type::EcP256;
    // A key sealed with the wrong file would lock out the right one: the keys
    // already stored are opened before anything is written.
    if (const auto opened = opensStoredKeys(); !opened)
        return opened;
    if (const auto loaded = reload(); !loaded)
        return loaded;
    const bool legacy = !legacyPath.isEmpty() && QFile::exists(legacyPath);
    if (const auto saved = saveKeys(legacy ? legacyPath : QString()); !saved)
        return saved;
    // The keys are sealed in the database now; a copy in clear would undo that.
    if (legacy && !QFile::remove(legacyPath))
        return ServerError::startup(
            QStringLiteral("the signing keys moved into the database, but %1 cannot be deleted").arg(legacyPath));
    if (const auto loaded = reload(); !loaded)
        return loaded;
    prune();
    return {};
}

Result<void> KeyStore::saveKeys(const QString &legacyPath)
{
    const ServerError notSaved = ServerError::startup(QStringLiteral("cannot save the signing keys in the database"));
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return notSaved;
    if (!legacyPath.isEmpty()) {
        if (const auto imported = importLegacy(legacyPath); !imported)
            return imported;
    }
    // Nothing was ever signed with this algorithm here, so no lead is needed.
    if (!hasKeyOfType()) {
        if (const auto inserted = insert(Jwk::generate(m_type), m_clock.now()); !inserted)
            return inserted;
    }
    if (!transaction.commit())
        return notSaved;
    return {};
}

Result<void> KeyStore::opensStoredKeys()
{
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT kid, private_key FROM signing_keys ORDER BY kid"));
    if (!m_db.run(q))
        return ServerError::startup(QStringLiteral("cannot read the signing keys from the database"));
    int stored = 0;
    QStringList unopened;
    while (q.next()) {
        ++stored;
        const QString kid = q.value(0).toString();
        if (!m_cipher.open(q.value(1).toString().toLatin1(), kid.toUtf8()))
            unopened.append(kid);
    }
    q.finish();
    if (unopened.isEmpty())
        return {};
    return ServerError::startup(unopenedKeysMessage(m_cipher, stored, unopened));
}

Result<void> KeyStore::importLegacy(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return ServerError::startup(
            QStringLiteral("cannot read the signing keys in %1: %2").arg(path, file.errorString()));
    const QJsonArray keys = QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("keys")).toArray();
    for (const auto &value : keys) {
        QString keyError;
        const auto key = Jwk::fromJson(value.toObject().value(QLatin1String("jwk")).toObject(), &keyError);
        if (!key || !key->hasPrivateKey())
            return ServerError::startup(QStringLiteral("the signing key file %1 is damaged: %2").arg(path, keyError));
        const auto inserted = insert(*key, qint64(value.toObject().value(QLatin1String("activates_at")).toDouble()));
        if (!inserted)
            return inserted;
    }
    qCInfo(lcKeys, "moved %d signing keys from %s into the database", int(keys.size()), qPrintable(path));
    return {};
}

Result<void> KeyStore::insert(const Jwk &key, qint64 activatesAt)
{
    const QByteArray sealed = m_cipher.seal(QJsonDocument(key.toPrivateJson()).toJson(QJsonDocument::Compact),
                                            key.kid().toUtf8());
    // A kid is the key's thumbprint: the same key imported twice is one row.
    if (sealed.isEmpty()
        || !m_db.exec(QStringLiteral("INSERT INTO signing_keys (kid, algorithm, public_jwk, private_key, "
                                     "activates_at, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                                     "ON CONFLICT (kid) DO NOTHING"),
                      {key.kid(), key.algorithm(),
                       QString::fromUtf8(QJsonDocument(key.toPublicJson()).toJson(QJsonDocument::Compact)),
                       QString::fromLatin1(sealed), activatesAt, m_clock.now()}))
        return ServerError::startup(QStringLiteral("cannot save a signing key in the database"));
    return {};
}

bool KeyStore::hasKeyOfType()
{
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT 1 FROM signing_keys WHERE algorithm = ?"));
    q.bindValue(0, m_type == Jwk::Type::Rsa ? QStringLiteral("RS256") : QStringLiteral("ES256"));
    const bool found = m_db.run(q) && q.next();
    q.finish();
    return found;
}

Result<void> KeyStore::reload()
{
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT kid, private_key, activates_at FROM signing_keys "
                                             "ORDER BY created_at, activates_at, kid"));
    if (!m_db.run(q))
        return ServerError::startup(QStringLiteral("cannot read the signing keys from the database"));
    QHash<QString, Entry> known;
    for (const Entry &entry : std::as_const(m_entries))
        known.insert(entry.key.kid(), entry);
    QList<Entry> entries;
    while (q.next()) {
        const QString kid = q.value(0).toString();
        const qint64 activatesAt = q.value(2).toLongLong();
        if (known.contains(kid)) {
            entries.append(known.value(kid));
            entries.last().activatesAt = activatesAt;
            continue;
        }
        const auto key = openKey(kid, q.value(1).toString().toLatin1());
        if (!key) {
            q.finish();
            return key.error();
        }
        entries.append({*key, activatesAt, key->publicKey()});
    }
    q.finish();
    replaceEntries(entries);
    return {};
}

Result<Jwk> KeyStore::openKey(const QString &kid, const QByteArray &sealed) const
{
    const auto opened = m_cipher.open(sealed, kid.toUtf8());
    if (!opened)
        return ServerError::startup(QStringLiteral("cannot open the signing key %1: it was sealed with another key "
                                                   "file (every instance of one database needs the same "
                                                   "--key-file), or it was altered in the database")
                                        .arg(kid));
    QString keyError;
    const auto key = Jwk::fromJson(QJsonDocument::fromJson(*opened).object(), &keyError);
    if (!key || !key->hasPrivateKey() || key->kid() != kid)
        return ServerError::startup(
            QStringLiteral("the signing key %1 in the database is damaged: %2").arg(kid, keyError));
    return *key;
}

Result<void> KeyStore::rotate()
{
    if (const auto inserted = insert(Jwk::generate(m_type), m_clock.now() + PublishLead); !inserted)
        return inserted;
    if (const auto loaded = reload(); !loaded)
        return loaded;
    prune();
    return {};
}

Jwk KeyStore::signingKey() const
{
    const qint64 now = m_clock.now();
    const QList<Entry> current = entries();
    for (auto it = current.crbegin(); it != current.crend(); ++it) {
        if (it->key.type() == m_type && it->activatesAt <= now)
            return it->key;
    }
    return {};
}

JwkSet KeyStore::publishedKeys() const
{
    JwkSet set;
    const qint64 now = m_clock.now();
    const QList<Entry> current = entries();
    for (int i = 0; i < current.size(); ++i) {
        if (retiresAt(current, i) > now)
            set.add(current.at(i).publicKey);
    }
    return set;
}

QList<KeyStore::Entry> KeyStore::entries() const
{
    const QMutexLocker locker(&m_mutex);
    return m_entries; // implicitly shared: a reference count, not a copy
}

void KeyStore::replaceEntries(const QList<Entry> &entries)
{
    const QMutexLocker locker(&m_mutex);
    m_entries = entries;
}

qint64 KeyStore::retiresAt(const QList<Entry> &entries, int index) const
{
    // A key signs until a newer key of its type activates; its tokens then live on.
    for (int later = index + 1; later < entries.size(); ++later) {
        if (entries.at(later).key.type() == entries.at(index).key.type())
            return entries.at(later).activatesAt + SignedTokenLifetime;
    }
    return std::numeric_limits<qint64>::max();
}

void KeyStore::prune()
{
    const qint64 now = m_clock.now();
    QList<Entry> kept;
    for (int i = 0; i < m_entries.size(); ++i) {
        if (retiresAt(m_entries, i) > now)
            kept.append(m_entries.at(i));
        else if (!m_db.exec(QStringLiteral("DELETE FROM signing_keys WHERE kid = ?"), {m_entries.at(i).key.kid()}))
            return; // kept for now; the next rotation or start tries again
    }
    replaceEntries(kept);
}
