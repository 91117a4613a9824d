#include "Pkce.h"

#include "Base64Url.h"
#include "SecureRandom.h"

#include <QCryptographicHash>

#include <openssl/crypto.h>

QByteArray Pkce::generateVerifier()
{
    return SecureRandom::token(48); // 64 characters, 384 bits
}

QByteArray Pkce::challengeFor(const QByteArray &verifier)
{
    return Base64Url::encode(QCryptographicHash::hash(verifier, QCryptographicHash::Sha256));
}

bool Pkce::isValidVerifier(QByteArrayView verifier)
{
    if (verifier.size() < 43 || verifier.size() > 128)
        return false;
    for (char c : verifier) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
            || c == '.' || c == '_' || c == '~';
        if (!ok)
            return false;
    }
    return true;
}

bool Pkce::matches(const QByteArray &verifier, const QByteArray &challenge)
{
    if (!isValidVerifier(verifier))
        return false;
    const QByteArray computed = challengeFor(verifier);
    return computed.size() == challenge.size()
        && CRYPTO_memcmp(computed.constData(), challenge.constData(), size_t(computed.size())) == 0;
}
