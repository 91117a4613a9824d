#include "Jwk.h"

#include "Base64Url.h"
#include "OpenSslHandles.h"

#include <QCryptographicHash>
#include <QJsonDocument>

#include <openssl/core_names.h>

#include <array>
#include <mutex>

namespace {

constexpr int EcCoordinateSize = 32;
constexpr int MinRsaBits = 2048;

struct BnMember
{
    const char *jwkName;
    const char *osslName;
};

// RSA members in the order of RFC 7518 section 6.3.
constexpr std::array<BnMember, 8> RsaMembers{{
    {"n", OSSL_PKEY_PARAM_RSA_N},
    {"e", OSSL_PKEY_PARAM_RSA_E},
    {"d", OSSL_PKEY_PARAM_RSA_D},
    {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
    {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
    {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
    {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
    {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
}};
constexpr int RsaPublicMemberCount = 2;

QByteArray bnParam(EVP_PKEY *key, const char *name, int padTo = 0)
{
    BIGNUM *raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1)
        return {};
    OpenSslPtr<BIGNUM> bn(raw);
    const int size = padTo > 0 ? padTo : BN_num_bytes(bn.get());
    QByteArray out(size, '\0');
    BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char *>(out.data()), size);
    return out;
}

QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(Base64Url::encode(bytes));
}

std::optional<QByteArray> member(const QJsonObject &json, const char *name, QString *error)
{
    const auto value = json.value(QLatin1String(name));
    if (!value.isString()) {
        if (error)
            *error = QStringLiteral("JWK member \"%1\" is missing").arg(QLatin1String(name));
        return std::nullopt;
    }
    auto decoded = Base64Url::decode(value.toString().toLatin1());
    if (!decoded || decoded->isEmpty()) {
        if (error)
            *error = QStringLiteral("JWK member \"%1\" is not base64url").arg(QLatin1String(name));
        return std::nullopt;
    }
    return decoded;
}

bool pushBn(OSSL_PARAM_BLD *bld, const char *name, const QByteArray &bytes, std::vector<OpenSslPtr<BIGNUM>> &keepAlive)
{
    BIGNUM *bn = BN_bin2bn(reinterpret_cast<const unsigned char *>(bytes.constData()), int(bytes.size()), nullptr);
    if (!bn)
        return false;
    keepAlive.emplace_back(bn);
    return OSSL_PARAM_BLD_push_BN(bld, name, bn) == 1;
}

EVP_PKEY *keyFromParams(const char *algorithm, OSSL_PARAM_BLD *bld, bool isPrivate)
{
    OpenSslPtr<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld));
    OpenSslPtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
        return nullptr;
    EVP_PKEY *key = nullptr;
    const int selection = isPrivate ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
    if (EVP_PKEY_fromdata(ctx.get(), &key, selection, params.get()) != 1)
        return nullptr;
    return key;
}

bool passesKeyCheck(EVP_PKEY *key, bool isPrivate)
{
    OpenSslPtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx)
        return false;
    return isPrivate ? EVP_PKEY_pairwise_check(ctx.get()) == 1 : EVP_PKEY_public_check(ctx.get()) == 1;
}

EVP_PKEY *ecFromJson(const QJsonObject &json, bool *isPrivate, QString *error)
{
    if (json.value(QLatin1String("crv")).toString() != QLatin1String("P-256")) {
        if (error)
            *error = QStringLiteral("only the P-256 curve is supported");
        return nullptr;
    }
    const auto x = member(json, "x", error);
    const auto y = member(json, "y", error);
    if (!x || !y)
        return nullptr;
    if (x->size() != EcCoordinateSize || y->size() != EcCoordinateSize) {
        if (error)
            *error = QStringLiteral("P-256 coordinates must be 32 bytes");
        return nullptr;
    }
    *isPrivate = json.contains(QLatin1String("d"));
    OpenSslPtr<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    std::vector<OpenSslPtr<BIGNUM>> keepAlive;
    const QByteArray point = QByteArray(1, '\x04') + *x + *y;
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.constData(), size_t(point.size()));
    if (*isPrivate) {
        const auto d = member(json, "d", error);
        if (!d || !pushBn(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, *d, keepAlive))
            return nullptr;
    }
    return keyFromParams("EC", bld.get(), *isPrivate);
}

EVP_PKEY *rsaFromJson(const QJsonObject &json, bool *isPrivate, QString *error)
{
    *isPrivate = json.contains(QLatin1String("d"));
    const size_t count = *isPrivate ? RsaMembers.size() : RsaPublicMemberCount;
    OpenSslPtr<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    std::vector<OpenSslPtr<BIGNUM>> keepAlive;
    for (size_t i = 0; i < count; ++i) {
        const auto bytes = member(json, RsaMembers[i].jwkName, error);
        if (!bytes || !pushBn(bld.get(), RsaMembers[i].osslName, *bytes, keepAlive))
            return nullptr;
    }
    return keyFromParams("RSA", bld.get(), *isPrivate);
}

EVP_MD_CTX *makeTemplate(EVP_PKEY *key, bool sign)
{
    OpenSslPtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    if (!ctx)
        return nullptr;
    const int ok = sign ? EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr)
                        : EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr);
    return ok == 1 ? ctx.release() : nullptr;
}

EVP_MD_CTX *copyOf(const EVP_MD_CTX *prototype)
{
    if (!prototype)
        return nullptr;
    OpenSslPtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), prototype) != 1)
        return nullptr;
    return ctx.release();
}

} // namespace

struct Jwk::State
{
    explicit State(EVP_PKEY *k)
        : key(k)
    {
    }
    ~State()
    {
        EVP_MD_CTX_free(signTemplate);
        EVP_MD_CTX_free(verifyTemplate);
        EVP_PKEY_free(key);
    }
    State(const State &) = delete;
    State &operator=(const State &) = delete;

    EVP_PKEY *key;
    std::once_flag signOnce;
    std::once_flag verifyOnce;
    EVP_MD_CTX *signTemplate = nullptr;
    EVP_MD_CTX *verifyTemplate = nullptr;
};

void Jwk::adopt(EVP_PKEY *key)
{
    m_state = std::make_shared<State>(key);
}

EVP_PKEY *Jwk::evpKey() const
{
    return m_state ? m_state->key : nullptr;
}

EVP_MD_CTX *Jwk::newSignContext() const
{
    if (!m_state || !m_private)
        return nullptr;
    std::call_once(m_state->signOnce, [this] { m_state->signTemplate = makeTemplate(m_state->key, true); });
    return copyOf(m_state->signTemplate);
}

EVP_MD_CTX *Jwk::newVerifyContext() const
{
    if (!m_state)
        return nullptr;
    std::call_once(m_state->verifyOnce, [this] { m_state->verifyTemplate = makeTemplate(m_state->key, false); });
    return copyOf(m_state->verifyTemplate);
}

Jwk Jwk::generate(Type type)
{
    Jwk jwk;
    EVP_PKEY *key = nullptr;
    if (type == Type::EcP256)
        key = EVP_EC_gen("P-256");
    else if (type == Type::Rsa)
        key = EVP_RSA_gen(2048);
    if (!key)
        return jwk;
    jwk.adopt(key);
    jwk.m_type = type;
    jwk.m_private = true;
    jwk.m_kid = jwk.thumbprint();
    return jwk;
}

std::optional<Jwk> Jwk::fromJson(const QJsonObject &json, QString *error)
{
    const QString kty = json.value(QLatin1String("kty")).toString();
    bool isPrivate = false;
    EVP_PKEY *key = nullptr;
    Jwk jwk;
    if (kty == QLatin1String("EC")) {
        key = ecFromJson(json, &isPrivate, error);
        jwk.m_type = Type::EcP256;
    } else if (kty == QLatin1String("RSA")) {
        key = rsaFromJson(json, &isPrivate, error);
        jwk.m_type = Type::Rsa;
    } else {
        if (error)
            *error = QStringLiteral("unsupported key type \"%1\"").arg(kty);
        return std::nullopt;
    }
    if (!key) {
        if (error && error->isEmpty())
            *error = QStringLiteral("the key parameters are invalid");
        return std::nullopt;
    }
    jwk.adopt(key);
    jwk.m_private = isPrivate;
    if (!passesKeyCheck(key, isPrivate)) {
        if (error)
            *error = QStringLiteral("the key fails OpenSSL's consistency check");
        return std::nullopt;
    }
    if (jwk.m_type == Type::Rsa && EVP_PKEY_get_bits(key) < MinRsaBits) {
        if (error)
            *error = QStringLiteral("RSA keys must have at least 2048 bits");
        return std::nullopt;
    }
    const QString alg = json.value(QLatin1String("alg")).toString();
    if (!alg.isEmpty() && alg != jwk.algorithm()) {
        if (error)
            *error = QStringLiteral("the key's alg \"%1\" does not fit its type").arg(alg);
        return std::nullopt;
    }
    jwk.m_kid = json.value(QLatin1String("kid")).toString();
    return jwk;
}

QString Jwk::algorithm() const
{
    switch (m_type) {
    case Type::EcP256:
        return QStringLiteral("ES256");
    case Type::Rsa:
        return QStringLiteral("RS256");
    case Type::None:
        break;
    }
    return {};
}

QJsonObject Jwk::publicMembers() const
{
    QJsonObject json;
    if (m_type == Type::EcP256) {
        json.insert(QLatin1String("kty"), QStringLiteral("EC"));
        json.insert(QLatin1String("crv"), QStringLiteral("P-256"));
        json.insert(QLatin1String("x"), b64(bnParam(evpKey(), OSSL_PKEY_PARAM_EC_PUB_X, EcCoordinateSize)));
        json.insert(QLatin1String("y"), b64(bnParam(evpKey(), OSSL_PKEY_PARAM_EC_PUB_Y, EcCoordinateSize)));
    } else if (m_type == Type::Rsa) {
        json.insert(QLatin1String("kty"), QStringLiteral("RSA"));
        for (int i = 0; i < RsaPublicMemberCount; ++i)
            json.insert(QLatin1String(RsaMembers[size_t(i)].jwkName),
                        b64(bnParam(evpKey(), RsaMembers[size_t(i)].osslName)));
    }
    return json;
}

QJsonObject Jwk::toPublicJson() const
{
    if (isNull())
        return {};
    QJsonObject json = publicMembers();
    json.insert(QLatin1String("kid"), m_kid);
    json.insert(QLatin1String("alg"), algorithm());
    json.insert(QLatin1String("use"), QStringLiteral("sig"));
    return json;
}

QJsonObject Jwk::toPrivateJson() const
{
    QJsonObject json = toPublicJson();
    if (!m_private)
        return json;
    if (m_type == Type::EcP256) {
        json.insert(QLatin1String("d"), b64(bnParam(evpKey(), OSSL_PKEY_PARAM_PRIV_KEY, EcCoordinateSize)));
    } else {
        for (size_t i = RsaPublicMemberCount; i < RsaMembers.size(); ++i)
            json.insert(QLatin1String(RsaMembers[i].jwkName), b64(bnParam(evpKey(), RsaMembers[i].osslName)));
    }
    return json;
}

Jwk Jwk::publicKey() const
{
    auto copy = fromJson(toPublicJson());
    return copy ? *copy : Jwk();
}

QString Jwk::thumbprint() const
{
    // RFC 7638: the required members only, in lexicographic order, no whitespace.
    // QJsonDocument::Compact sorts object keys, which is exactly that order.
    const QByteArray canonical = QJsonDocument(publicMembers()).toJson(QJsonDocument::Compact);
    return b64(QCryptographicHash::hash(canonical, QCryptographicHash::Sha256));
}
