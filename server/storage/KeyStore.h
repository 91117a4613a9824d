#pragma once

#include "Jwk.h"
#include "JwkSet.h"

#include <QList>
#include <QString>

class Clock;

// The server's signing keys, kept in <data-dir>/signing-keys.json (mode 0600).
// Rotation follows PROTOCOL.md 3: a new key is published PublishLead seconds
// before it signs anything, and a replaced key stays published until every
// token it signed has expired.
class KeyStore
{
public:
    static constexpr qint64 PublishLead = 300;

    explicit KeyStore(const Clock &clock);

    // Loads the keys, generating the first one when there is none.
    bool load(const QString &path, const QString &algorithm, QString *error);
    // Adds a new key of the configured algorithm and saves.
    bool rotate(QString *error);

    Jwk signingKey() const;
    JwkSet publishedKeys() const;
    int keyCount() const { return int(m_entries.size()); }

private:
    struct Entry
    {
        Jwk key;
        qint64 activatesAt = 0;
        Jwk publicKey; // made once: verifiers reuse its prepared contexts
    };

    bool save(QString *error) const;
    void prune();
    qint64 retiresAt(int index) const;

    const Clock &m_clock;
    QString m_path;
    Jwk::Type m_type = Jwk::Type::EcP256;
    QList<Entry> m_entries; // oldest first
};
