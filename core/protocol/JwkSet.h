#pragma once

#include "Jwk.h"

#include <QList>
#include <QStringList>

// A JWK Set (RFC 7517 section 5): the keys a verifier trusts, looked up by kid.
class JwkSet
{
public:
    JwkSet() = default;
    explicit JwkSet(const QList<Jwk> &keys)
        : m_keys(keys)
    {
    }

    // Keys this implementation cannot use (other types, encryption keys) are
    // skipped and described in *skipped, as a standard provider may publish them.
    static JwkSet fromJson(const QJsonObject &json, QStringList *skipped = nullptr);
    QJsonObject toJson() const;

    void add(const Jwk &key) { m_keys.append(key); }
    const QList<Jwk> &keys() const { return m_keys; }
    bool isEmpty() const { return m_keys.isEmpty(); }
    // The key with this kid, or a null Jwk.
    Jwk find(const QString &kid) const;

private:
    QList<Jwk> m_keys;
};
