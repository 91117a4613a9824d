#pragma once

#include "Jwk.h"
#include "JwkSet.h"
#include "KeyCipher.h"
#include "Result.h"

#include <QList>
#include <QMutex>
#include <QString>

class Clock;
class Database;

// The server's signing keys, kept in the database so that every instance
// signs and verifies with the same set: the public JWK in clear, the private
// key sealed by KeyCipher with its kid as associated data. Rotation follows
// PROTOCOL.md 3: a new key is published PublishLead seconds before it signs
// anything, and a replaced key stays published until every token it signed
// has expired. Each instance reloads the set every ReloadSeconds, so a
// rotation on one is published by all long before the new key signs.
// The server's thread prepares, reloads and rotates; its worker threads
// read the set (signingKey(), publishedKeys()) at the same time.
class KeyStore
{
public:
    static constexpr qint64 PublishLead = 300;
    static constexpr int ReloadSeconds = 30;

    KeyStore(Database &db, const Clock &clock, const KeyCipher &cipher);

    // Moves the keys of an earlier version's key file (`legacyPath`, JSON in
    // clear) into the database and deletes the file; makes the first key of
    // `algorithm` when there is none; loads the set. Writes nothing unless
    // the cipher opens every key already stored. Several instances may
    // start at once: call it under the database's start-up lock.
    Result<void> prepare(const QString &algorithm, const QString &legacyPath);
    // Reads the set again; keys already known are not opened again. On
    // failure the set in memory stays as it was.
    Result<void> reload();
    // Adds a new key of the configured algorithm.
    Result<void> rotate();

    Jwk signingKey() const;
    // Whether a key of the configured algorithm signs now (/readyz).
    bool hasSigningKey() const { return !signingKey().isNull(); }
    JwkSet publishedKeys() const;
    int keyCount() const { return int(entries().size()); }

private:
    struct Entry
    {
        Jwk key;
        qint64 activatesAt = 0;
        Jwk publicKey; // made once: verifiers reuse its prepared contexts
    };

    // Whether the cipher opens every stored key; the error tells a wrong key
    // file (it opens none) from keys sealed with several (it opens some).
    Result<void> opensStoredKeys();
    Result<void> importLegacy(const QString &path);
    Result<void> insert(const Jwk &key, qint64 activatesAt);
    // The private key stored as `sealed` under `kid`.
    Result<Jwk> openKey(const QString &kid, const QByteArray &sealed) const;
    // In one transaction: the legacy file's keys (unless `legacyPath` is
    // empty), and a first key of the algorithm when there is none.
    Result<void> saveKeys(const QString &legacyPath);
    bool hasKeyOfType();
    // Deletes the keys no token signed by them can still need.
    void prune();
    qint64 retiresAt(const QList<Entry> &entries, int index) const;
    QList<Entry> entries() const;
    void replaceEntries(const QList<Entry> &entries);

    Database &m_db;
    const Clock &m_clock;
    KeyCipher m_cipher;
    Jwk::Type m_type = Jwk::Type::EcP256;
    mutable QMutex m_mutex; // guards m_entries, which only the server's thread changes
    QList<Entry> m_entries; // oldest first
};
