#pragma once

#include "JwkSet.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <optional>

// Compact JWS (RFC 7515) with ES256 and RS256, and nothing else: "none" and
// the HMAC algorithms are refused outright, so a public key can never be
// turned into an HMAC secret (RFC 8725 section 2.1).
class Jws
{
    Q_GADGET
public:
    enum class Error {
        None,
        TooLarge,
        Malformed,
        UnsupportedAlgorithm,
        WrongType,
        UnknownKey,
        AlgorithmKeyMismatch,
        BadSignature,
    };
    Q_ENUM(Error)

    struct Result
    {
        Error error = Error::None;
        QString message; // for logs and developers, not end users
        QJsonObject header;
        QJsonObject payload;
        bool ok() const { return error == Error::None; }
    };

    // Signs `payload`; sets "alg" and "kid" in the header from the key.
    static QByteArray sign(QJsonObject header, const QJsonObject &payload, const Jwk &key);
    // Signs pre-encoded parts; for fixed test vectors whose bytes must not be re-serialized.
    static QByteArray signEncoded(const QByteArray &encodedHeader, const QByteArray &encodedPayload, const Jwk &key);

    // Which of the two valid ES256 signatures (s and n - s) are accepted.
    // Ours are always low-S, so a token has exactly one valid form; other
    // issuers (the RFC 7515 example, Java, Node) sign either half.
    enum class EcdsaForms { LowSOnly, Either };

    // `acceptedTypes`: the "typ" values accepted (compared case-insensitively,
    // with or without "application/"); an empty string in it accepts a token
    // without "typ". std::nullopt skips the check (test vectors only).
    static Result verify(QByteArrayView compact, const JwkSet &keys, const std::optional<QStringList> &acceptedTypes,
                         EcdsaForms ecdsaForms = EcdsaForms::LowSOnly);

    // Reads header and payload without any check. Never trust the result.
    static Result decodeUnverified(QByteArrayView compact);
};
