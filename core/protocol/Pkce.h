#pragma once

#include <QByteArray>

// PKCE (RFC 7636) with the S256 method only.
class Pkce
{
public:
    static QByteArray generateVerifier();
    static QByteArray challengeFor(const QByteArray &verifier);
    // 43..128 characters of [A-Za-z0-9-._~] (RFC 7636 section 4.1).
    static bool isValidVerifier(QByteArrayView verifier);
    static bool matches(const QByteArray &verifier, const QByteArray &challenge);
};
