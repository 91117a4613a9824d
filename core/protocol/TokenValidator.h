#pragma once

#include "JwkSet.h"

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>

// Validates the JWTs a relying party trusts: ID tokens per OIDC Core 3.1.3.7
// and onboarding tokens per PROTOCOL.md 6.1, with 60 s of clock-skew leeway
// and an injectable clock. The client checks its provider's tokens with it,
// and the server its upstream providers' ID tokens. Claims are only used
// after this said yes.
class TokenValidator
{
    Q_GADGET
public:
    enum class Error {
        None,
        Malformed,
        UnknownKey, // the caller may refetch the JWKS once and try again
        Signature,
        WrongType,
        Issuer,
        Audience,
        Expired,
        IssuedInFuture,
        Nonce,
        MissingClaim,
        Algorithm, // signed with an algorithm the provider does not announce
        Subject,   // a refreshed ID token names another person than the session
    };
    Q_ENUM(Error)

    struct Result
    {
        Error error = Error::None;
        QString message; // for logs
        QJsonObject claims;
        bool ok() const { return error == Error::None; }
    };

    using Clock = std::function<qint64()>; // UTC seconds
    static qint64 systemTime();

    TokenValidator(const QString &issuer, const QString &clientId, Clock clock = &TokenValidator::systemTime);

    // The "alg" values accepted, from the provider's metadata
    // (id_token_signing_alg_values_supported); empty: any Jws supports.
    void setAcceptedAlgorithms(const QStringList &algorithms) { m_algorithms = algorithms; }

    // `nonce` empty: not checked (an ID token from a refresh has none).
    Result validateIdToken(const QString &token, const JwkSet &keys, const QString &nonce) const;
    // An ID token from a refresh (OIDC Core 12.2): iss, aud and signature as
    // at sign-in, no nonce, and `sub` must be the session's.
    Result validateRefreshedIdToken(const QString &token, const JwkSet &keys, const QString &subject) const;
    Result validateOnboardingToken(const QString &token, const JwkSet &keys, const QString &nonce) const;
    // From the device authorization grant (PROTOCOL.md 10): no nonce; its
    // cch binds the device_code, which the onboard call proves.
    Result validateDeviceOnboardingToken(const QString &token, const JwkSet &keys) const;

private:
    Result validate(const QString &token, const JwkSet &keys, const QStringList &types, const QString &nonce) const;

    QString m_issuer;
    QString m_clientId;
    Clock m_clock;
    QStringList m_algorithms;
};
