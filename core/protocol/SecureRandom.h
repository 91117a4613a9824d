#pragma once

#include <QByteArray>

// Randomness for secrets (codes, tokens, state, nonce, PKCE verifiers) from
// OpenSSL's CSPRNG, never from a seeded PRNG.
class SecureRandom
{
public:
    static QByteArray bytes(int count);
    // `count` random bytes, base64url encoded: 16 bytes give 128 bits.
    static QByteArray token(int count);
};
