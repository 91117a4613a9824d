// JWK and JWK Set import (RFC 7517): the server's key file and every
// upstream provider's jwks_uri. An imported key survives publishing and
// importing again with the same thumbprint, and a key pair signs what its
// public half verifies.
#include "FuzzSupport.h"
#include "Jwk.h"
#include "JwkSet.h"
#include "Jws.h"

#include <QJsonDocument>

namespace {

void checkKey(const Jwk &key)
{
    FUZZ_EXPECT(!key.isNull());
    QString problem;
    const auto published = Jwk::fromJson(key.toPublicJson(), &problem);
    if (!published) {
        // OpenSSL's RSA public key check (SP 800-56B) runs Miller-Rabin with
        // random bases: a degenerate modulus passes one time and fails the
        // next (corpus/jwk/regression-rsa-degenerate-modulus: 14 % of
        // imports fail). A real modulus, two large primes, always passes.
        FUZZ_EXPECT(key.type() == Jwk::Type::Rsa
                    && problem == QLatin1String("the key fails OpenSSL's consistency check"));
        return;
    }
    FUZZ_EXPECT(!published->hasPrivateKey());
    FUZZ_EXPECT(published->thumbprint() == key.thumbprint());
    if (!key.hasPrivateKey())
        return;
    const auto reimported = Jwk::fromJson(key.toPrivateJson());
    FUZZ_EXPECT(reimported && reimported->hasPrivateKey());
    Jwk signer = key;
    signer.setKid(QStringLiteral("fuzz"));
    Jwk verifier = *published;
    verifier.setKid(QStringLiteral("fuzz"));
    const QByteArray token = Jws::sign({}, QJsonObject{{QStringLiteral("sub"), QStringLiteral("fuzz")}}, signer);
    FUZZ_EXPECT(!token.isEmpty());
    FUZZ_EXPECT(Jws::verify(token, JwkSet({verifier}), std::nullopt).ok());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzSupport::startApplication();
    const QJsonDocument doc = QJsonDocument::fromJson(FuzzSupport::bytes(data, size));
    if (!doc.isObject())
        return 0;
    const QJsonObject json = doc.object();
    QStringList skipped;
    const JwkSet set = JwkSet::fromJson(json, &skipped);
    for (const Jwk &key : set.keys()) {
        FUZZ_EXPECT(!key.hasPrivateKey());
        checkKey(key);
    }
    QString problem;
    if (const auto key = Jwk::fromJson(json, &problem))
        checkKey(*key);
    else
        FUZZ_EXPECT(!problem.isEmpty());
    return 0;
}
