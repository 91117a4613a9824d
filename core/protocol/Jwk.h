#pragma once

#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

typedef struct evp_pkey_st EVP_PKEY;

// A JSON Web Key (RFC 7517) for signing: EC P-256 (ES256) or RSA >= 2048
// bits (RS256). Holds a public key, or a key pair when it was generated or
// imported with its private members. Cheap to copy (the key is shared).
class Jwk
{
public:
    enum class Type { None, EcP256, Rsa };

    Jwk() = default;

    static Jwk generate(Type type);
    // Public or private JWK; on failure returns nullopt and says why in *error.
    static std::optional<Jwk> fromJson(const QJsonObject &json, QString *error = nullptr);

    QJsonObject toPublicJson() const;
    // Includes the private members; for the server's key file only.
    QJsonObject toPrivateJson() const;
    Jwk publicKey() const;

    bool isNull() const { return m_type == Type::None; }
    bool hasPrivateKey() const { return m_private; }
    Type type() const { return m_type; }
    // "ES256" or "RS256": the only algorithm this key is used with.
    QString algorithm() const;
    QString kid() const { return m_kid; }
    void setKid(const QString &kid) { m_kid = kid; }
    // RFC 7638 thumbprint, base64url; the default kid.
    QString thumbprint() const;

    EVP_PKEY *evpKey() const { return m_key.get(); }

private:
    QJsonObject publicMembers() const;

    std::shared_ptr<EVP_PKEY> m_key;
    Type m_type = Type::None;
    bool m_private = false;
    QString m_kid;
};
