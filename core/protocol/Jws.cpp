#include "Jws.h"

#include "Base64Url.h"
#include "OpenSslHandles.h"
#include "Protocol.h"

#include <QJsonDocument>

namespace {

constexpr int Es256SignatureSize = 64;
constexpr int Es256CoordinateSize = 32;
// The order n of P-256 and n / 2, big-endian: an s above n / 2 is the
// "high" twin of the signature with n - s (SEC 1 4.1.4 accepts both).
constexpr char P256OrderHex[] = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
constexpr unsigned char P256HalfOrder[Es256CoordinateSize] = {0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00,
                                                              0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                              0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42,
                                                              0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8};

// `raw`: r || s, 64 bytes.
bool isHighS(const QByteArray &raw)
{
    for (int i = 0; i < Es256CoordinateSize; ++i) {
        const auto byte = static_cast<unsigned char>(raw.at(Es256CoordinateSize + i));
        if (byte != P256HalfOrder[i])
            return byte > P256HalfOrder[i];
    }
    return false;
}

struct Parts
{
    QByteArrayView signingInput;
    QByteArray header;
    QByteArray payload;
    QByteArray signature;
};

Jws::Result fail(Jws::Error error, const QString &message)
{
    Jws::Result result;
    result.error = error;
    result.message = message;
    return result;
}

std::optional<QJsonObject> parseObject(const QByteArray &json)
{
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

std::optional<Parts> split(QByteArrayView compact)
{
    const qsizetype first = compact.indexOf('.');
    const qsizetype second = first < 0 ? -1 : compact.sliced(first + 1).indexOf('.');
    if (first < 0 || second < 0)
        return std::nullopt;
    const qsizetype secondAbs = first + 1 + second;
    if (compact.sliced(secondAbs + 1).contains('.'))
        return std::nullopt;
    auto header = Base64Url::decode(compact.first(first));
    auto payload = Base64Url::decode(compact.sliced(first + 1, second));
    auto signature = Base64Url::decode(compact.sliced(secondAbs + 1));
    if (!header || !payload || !signature)
        return std::nullopt;
    return Parts{compact.first(secondAbs), *header, *payload, *signature};
}

bool typeAccepted(const QString &typ, const QStringList &accepted)
{
    static const QString prefix = QStringLiteral("application/");
    QString bare = typ;
    if (bare.startsWith(prefix, Qt::CaseInsensitive))
        bare = bare.mid(prefix.size());
    for (const auto &candidate : accepted) {
        if (bare.compare(candidate, Qt::CaseInsensitive) == 0 && (!candidate.isEmpty() || typ.isEmpty()))
            return true;
    }
    return false;
}

QByteArray derToRaw(const QByteArray &der)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    OpenSslPtr<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &p, long(der.size())));
    if (!sig)
        return {};
    QByteArray raw(Es256SignatureSize, '\0');
    auto *out = reinterpret_cast<unsigned char *>(raw.data());
    BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, Es256CoordinateSize);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + Es256CoordinateSize, Es256CoordinateSize);
    if (isHighS(raw)) {
        // Sign in the one form verify() accepts: s' = n - s.
        BIGNUM *n = nullptr;
        BN_hex2bn(&n, P256OrderHex);
        const OpenSslPtr<BIGNUM> order(n);
        const OpenSslPtr<BIGNUM> low(BN_new());
        if (!order || !low || !BN_sub(low.get(), order.get(), ECDSA_SIG_get0_s(sig.get()))
            || BN_bn2binpad(low.get(), out + Es256CoordinateSize, Es256CoordinateSize) != Es256CoordinateSize)
            return {};
    }
    return raw;
}

QByteArray rawToDer(const QByteArray &raw)
{
    const auto *in = reinterpret_cast<const unsigned char *>(raw.constData());
    BIGNUM *r = BN_bin2bn(in, Es256CoordinateSize, nullptr);
    BIGNUM *s = BN_bin2bn(in + Es256CoordinateSize, Es256CoordinateSize, nullptr);
    OpenSslPtr<ECDSA_SIG> sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return {};
    }
    unsigned char *der = nullptr;
    const int size = i2d_ECDSA_SIG(sig.get(), &der);
    if (size <= 0)
        return {};
    QByteArray out(reinterpret_cast<const char *>(der), size);
    OPENSSL_free(der);
    return out;
}

QByteArray digestSign(const Jwk &key, QByteArrayView input)
{
    OpenSslPtr<EVP_MD_CTX> ctx(key.newSignContext());
    if (!ctx)
        return {};
    const auto *data = reinterpret_cast<const unsigned char *>(input.data());
    size_t size = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &size, data, size_t(input.size())) != 1)
        return {};
    QByteArray out(qsizetype(size), '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &size, data, size_t(input.size())) != 1)
        return {};
    out.resize(qsizetype(size));
    return out;
}

bool digestVerify(const Jwk &key, QByteArrayView input, const QByteArray &signature)
{
    OpenSslPtr<EVP_MD_CTX> ctx(key.newVerifyContext());
    if (!ctx)
        return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(signature.constData()),
                            size_t(signature.size()), reinterpret_cast<const unsigned char *>(input.data()),
                            size_t(input.size()))
        == 1;
}

Jwk selectKey(const QJsonObject &header, const QString &alg, const JwkSet &keys, Jws::Result *failure)
{
    const auto kidValue = header.value(QLatin1String("kid"));
    if (kidValue.isString()) {
        const Jwk key = keys.find(kidValue.toString());
        if (key.isNull())
            *failure = fail(Jws::Error::UnknownKey, QStringLiteral("no key with kid \"%1\"").arg(kidValue.toString()));
        return key;
    }
    // Without a kid, only an unambiguous key is acceptable.
    Jwk match;
    int count = 0;
    for (const auto &key : keys.keys()) {
        if (key.algorithm() == alg) {
            match = key;
            ++count;
        }
    }
    if (count != 1) {
        *failure = fail(Jws::Error::UnknownKey, QStringLiteral("no kid and no single key for %1").arg(alg));
        return {};
    }
    return match;
}

} // namespace

QByteArray Jws::sign(QJsonObject header, const QJsonObject &payload, const Jwk &key)
{
    header.insert(QLatin1String("alg"), key.algorithm());
    if (!key.kid().isEmpty())
        header.insert(QLatin1String("kid"), key.kid());
    return signEncoded(Base64Url::encode(QJsonDocument(header).toJson(QJsonDocument::Compact)),
                       Base64Url::encode(QJsonDocument(payload).toJson(QJsonDocument::Compact)), key);
}

QByteArray Jws::signEncoded(const QByteArray &encodedHeader, const QByteArray &encodedPayload, const Jwk &key)
{
    if (!key.hasPrivateKey())
        return {};
    const QByteArray input = encodedHeader + '.' + encodedPayload;
    QByteArray signature = digestSign(key, input);
    if (key.type() == Jwk::Type::EcP256)
        signature = derToRaw(signature);
    if (signature.isEmpty())
        return {};
    return input + '.' + Base64Url::encode(signature);
}

Jws::Result Jws::decodeUnverified(QByteArrayView compact)
{
    if (compact.size() > Protocol::MaxJwsSize)
        return fail(Error::TooLarge, QStringLiteral("token larger than %1 bytes").arg(Protocol::MaxJwsSize));
    const auto parts = split(compact);
    if (!parts)
        return fail(Error::Malformed, QStringLiteral("not three base64url parts"));
    const auto header = parseObject(parts->header);
    const auto payload = parseObject(parts->payload);
    if (!header || !payload)
        return fail(Error::Malformed, QStringLiteral("header or payload is not a JSON object"));
    Result result;
    result.header = *header;
    result.payload = *payload;
    return result;
}

Jws::Result Jws::verify(QByteArrayView compact, const JwkSet &keys, const std::optional<QStringList> &acceptedTypes,
                        EcdsaForms ecdsaForms)
{
    Result decoded = decodeUnverified(compact);
    if (!decoded.ok())
        return decoded;
    const auto parts = split(compact);
    const QString alg = decoded.header.value(QLatin1String("alg")).toString();
    if (alg != QLatin1String("ES256") && alg != QLatin1String("RS256"))
        return fail(Error::UnsupportedAlgorithm, QStringLiteral("algorithm \"%1\" is not accepted").arg(alg));
    if (decoded.header.contains(QLatin1String("crit")))
        return fail(Error::UnsupportedAlgorithm, QStringLiteral("critical header extensions are not supported"));
    // Present but not a string is not "absent" (RFC 7515 4.1.4, 4.1.9).
    for (const char *member : {"typ", "kid"}) {
        if (decoded.header.contains(QLatin1String(member)) && !decoded.header.value(QLatin1String(member)).isString())
            return fail(Error::Malformed, QStringLiteral("\"%1\" is not a string").arg(QLatin1String(member)));
    }
    const QString typ = decoded.header.value(QLatin1String("typ")).toString();
    if (acceptedTypes && !typeAccepted(typ, *acceptedTypes))
        return fail(Error::WrongType, QStringLiteral("token type \"%1\" is not accepted here").arg(typ));

    Result failure;
    const Jwk key = selectKey(decoded.header, alg, keys, &failure);
    if (key.isNull())
        return failure;
    if (key.algorithm() != alg)
        return fail(Error::AlgorithmKeyMismatch, QStringLiteral("%1 token for a %2 key").arg(alg, key.algorithm()));

    QByteArray signature = parts->signature;
    if (key.type() == Jwk::Type::EcP256) {
        if (signature.size() != Es256SignatureSize)
            return fail(Error::BadSignature, QStringLiteral("ES256 signature of %1 bytes").arg(signature.size()));
        if (ecdsaForms == EcdsaForms::LowSOnly && isHighS(signature))
            return fail(Error::BadSignature, QStringLiteral("ES256 signature with a high s"));
        signature = rawToDer(signature);
    }
    if (signature.isEmpty() || !digestVerify(key, parts->signingInput, signature))
        return fail(Error::BadSignature, QStringLiteral("signature does not verify"));
    return decoded;
}
