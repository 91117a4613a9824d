#pragma once

#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_md_ctx_st EVP_MD_CTX;

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

    EVP_PKEY *evpKey() const;
    // A SHA-256 sign (or verify) context for this key, ready for
    // EVP_DigestSign/Verify; the caller frees it. Copied from a template made
    // once per key, which spares OpenSSL's algorithm lookups on every token.
    EVP_MD_CTX *newSignContext() const;
    EVP_MD_CTX *newVerifyContext() const;

private:
    struct State;
    QJsonObject publicMembers() const;
    void adopt(EVP_PKEY *key);

    std::shared_ptr<State> m_state;
    Type m_type = Type::None;
    bool m_private = false;
    QString m_kid;
};
