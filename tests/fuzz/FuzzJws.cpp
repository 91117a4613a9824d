// Compact JWS parse and verify (RFC 7515), and the claims checks of ID and
// onboarding tokens on top (TokenValidator), against the RFC 7515 A.2 (RS256)
// and A.3 (ES256) keys of tests/data. An input is one of
//   v<compact JWS>               verified as it is
//   E<header JSON>\n<payload>    signed with the ES256 key first, then verified
//   R<header JSON>\n<payload>    the same with the RS256 key
// so that mutated claims behind a valid signature reach the validator too.
#include "Base64Url.h"
#include "FuzzSupport.h"
#include "Jws.h"
#include "TokenValidator.h"

#include <QFile>
#include <QJsonDocument>

namespace {

constexpr qint64 Now = 1900000000; // the seeds' iat; a fixed clock keeps them valid
const QString Issuer = QStringLiteral("https://login.example.org");
const QString ClientId = QStringLiteral("latchkey-desktop");
const QString Nonce = QStringLiteral("n-0S6_WzA2Mj");

struct Keys
{
    Jwk es256;
    Jwk rs256;
    JwkSet published;
};

Jwk load(const QJsonObject &vectors, const char *name, const QString &kid)
{
    auto key = Jwk::fromJson(vectors.value(QLatin1String(name)).toObject().value(QLatin1String("jwk")).toObject());
    FUZZ_EXPECT(key && key->hasPrivateKey());
    key->setKid(kid);
    return *key;
}

const Keys &keys()
{
    static const Keys keys = [] {
        QFile file(QStringLiteral(LATCHKEY_TEST_DATA_DIR "/rfc7515-vectors.json"));
        FUZZ_EXPECT(file.open(QIODevice::ReadOnly));
        const QJsonObject vectors = QJsonDocument::fromJson(file.readAll()).object();
        Keys k{load(vectors, "es256", QStringLiteral("rfc7515-a3")),
               load(vectors, "rs256", QStringLiteral("rfc7515-a2")),
               {}};
        for (const Jwk &key : {k.es256, k.rs256}) {
            Jwk published = key.publicKey();
            published.setKid(key.kid());
            k.published.add(published);
        }
        return k;
    }();
    return keys;
}

void verifyAll(QByteArrayView compact)
{
    const auto unverified = Jws::decodeUnverified(compact);
    const auto strict = Jws::verify(compact, keys().published, QStringList{QStringLiteral("JWT"), QString()});
    const auto any = Jws::verify(compact, keys().published, std::nullopt, Jws::EcdsaForms::Either);
    // Nothing verifies that does not even parse, and a type check only ever refuses more.
    if (any.ok())
        FUZZ_EXPECT(unverified.ok());
    if (strict.ok())
        FUZZ_EXPECT(any.ok());
    const TokenValidator validator(Issuer, ClientId, [] { return Now; });
    const QString token = QString::fromLatin1(compact.toByteArray());
    validator.validateIdToken(token, keys().published, Nonce);
    validator.validateIdToken(token, keys().published, {});
    validator.validateOnboardingToken(token, keys().published, Nonce);
}

void signAndVerify(const Jwk &key, const QByteArray &rest)
{
    const qsizetype newline = rest.indexOf('\n');
    const QByteArray header = newline < 0 ? QByteArray() : rest.first(newline);
    const QByteArray payload = newline < 0 ? rest : rest.sliced(newline + 1);
    const QByteArray token = Jws::signEncoded(Base64Url::encode(header), Base64Url::encode(payload), key);
    FUZZ_EXPECT(!token.isEmpty());
    verifyAll(token);
    // Our own signature over a plain header for this key always verifies.
    const QJsonObject parsedHeader = QJsonDocument::fromJson(header).object();
    const bool plainHeader = parsedHeader.value(QLatin1String("alg")).toString() == key.algorithm()
        && parsedHeader.value(QLatin1String("kid")).toString() == key.kid()
        && (parsedHeader.keys() == QStringList{QStringLiteral("alg"), QStringLiteral("kid")});
    if (plainHeader && QJsonDocument::fromJson(payload).isObject())
        FUZZ_EXPECT(Jws::verify(token, keys().published, std::nullopt).ok());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzSupport::startApplication();
    if (size == 0)
        return 0;
    const QByteArray rest = FuzzSupport::bytes(data + 1, size - 1);
    switch (data[0]) {
    case 'E':
        signAndVerify(keys().es256, rest);
        break;
    case 'R':
        signAndVerify(keys().rs256, rest);
        break;
    default:
        verifyAll(rest);
        break;
    }
    return 0;
}
