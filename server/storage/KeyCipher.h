#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

// Seals the signing keys' private parts for the database: AES-256-GCM under a
// 32-byte key-encryption key (KEK) read from a file only its owner may read.
// Every instance sharing a database shares that file. A sealed value is
// base64(nonce || ciphertext || tag) with a random 96-bit nonce; the
// associated data (the key's kid) ties it to its row, so a value copied to
// another row does not open.
class KeyCipher
{
public:
    static constexpr int KeySize = 32;

    // Reads the KEK from `path`, which must be a regular file of exactly 32
    // bytes with mode 0600 (or 0400); otherwise the error says why.
    static Result<KeyCipher> fromFile(const QString &path);
    // Writes a new random KEK to `path` (mode 0600); fails if the file exists.
    static Result<void> createFile(const QString &path);

    explicit KeyCipher(const QByteArray &key, const QString &path = {});

    // The file the key was read from, for messages; empty for a key given in memory.
    QString path() const { return m_path; }

    QByteArray seal(const QByteArray &plaintext, const QByteArray &associatedData) const;
    // Nullopt when the value was not sealed with this key and associated data,
    // or was altered since.
    std::optional<QByteArray> open(const QByteArray &sealed, const QByteArray &associatedData) const;

private:
    QByteArray m_key;
    QString m_path;
};
