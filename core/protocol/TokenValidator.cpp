#include "TokenValidator.h"

#include "ClaimNames.h"
#include "Jws.h"
#include "Protocol.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>

namespace {

TokenValidator::Result fail(TokenValidator::Error error, const QString &message)
{
    return {error, message, {}};
}

TokenValidator::Error fromJws(Jws::Error error)
{
    switch (error) {
    case Jws::Error::UnknownKey:
        return TokenValidator::Error::UnknownKey;
    case Jws::Error::WrongType:
        return TokenValidator::Error::WrongType;
    case Jws::Error::TooLarge:
    case Jws::Error::Malformed:
        return TokenValidator::Error::Malformed;
    default:
        return TokenValidator::Error::Signature;
    }
}

// A JSON number of seconds as qint64 without undefined behaviour: huge,
// negative or fractional values saturate instead of overflowing.
qint64 seconds(const QJsonValue &value)
{
    constexpr double limit = 4e18; // below 2^63, far beyond any real date
    return qint64(std::clamp(value.toDouble(), -limit, limit));
}

// A time claim a real token can carry: from 1970 to the end of year 9999.
// Anything else (negative, 1e300) is a broken or hostile token, not a date
// to saturate and then trust.
bool saneTime(const QJsonValue &value)
{
    constexpr double latest = 253402300799.0; // 9999-12-31T23:59:59Z
    const double t = value.toDouble();
    return t >= 0 && t <= latest; // false for NaN too
}

} // namespace

qint64 TokenValidator::systemTime()
{
    return QDateTime::currentSecsSinceEpoch();
}

TokenValidator::TokenValidator(const QString &issuer, const QString &clientId, Clock clock)
    : m_issuer(issuer)
    , m_clientId(clientId)
    , m_clock(std::move(clock))
{
}

TokenValidator::Result TokenValidator::validateIdToken(const QString &token, const JwkSet &keys,
                                                       const QString &nonce) const
{
    // Standard providers often send no typ at all; what matters is that no
    // other kind of token (at+jwt, onboarding+jwt) passes as an ID token.
    return validate(token, keys, {QLatin1String(Protocol::TypIdToken), QString()}, nonce);
}

TokenValidator::Result TokenValidator::validateRefreshedIdToken(const QString &token, const JwkSet &keys,
                                                                const QString &subject) const
{
    Result result = validateIdToken(token, keys, QString());
    if (result.ok() && result.claims.value(QLatin1String(Claim::Subject)).toString() != subject)
        return fail(Error::Subject, QStringLiteral("issued for another subject than this session's"));
    return result;
}

TokenValidator::Result TokenValidator::validateOnboardingToken(const QString &token, const JwkSet &keys,
                                                               const QString &nonce) const
{
    if (nonce.isEmpty())
        return fail(Error::Nonce, QStringLiteral("an onboarding token always needs its nonce checked"));
    return validate(token, keys, {QLatin1String(Protocol::TypOnboardingToken)}, nonce);
}

TokenValidator::Result TokenValidator::validateDeviceOnboardingToken(const QString &token, const JwkSet &keys) const
{
    return validate(token, keys, {QLatin1String(Protocol::TypOnboardingToken)}, QString());
}

TokenValidator::Result TokenValidator::validate(const QString &token, const JwkSet &keys, const QStringList &types,
                                                const QString &nonce) const
{
    // Another issuer's tokens: its ES256 signatures may have a high s.
    const auto verified = Jws::verify(token.toLatin1(), keys, types, Jws::EcdsaForms::Either);
    if (!verified.ok())
        return fail(fromJws(verified.error), verified.message);
    const QString alg = verified.header.value(QLatin1String("alg")).toString();
    if (!m_algorithms.isEmpty() && !m_algorithms.contains(alg))
        return fail(Error::Algorithm, QStringLiteral("signed with %1, which the provider does not announce").arg(alg));
    const QJsonObject &c = verified.payload;
    if (c.value(QLatin1String(Claim::Issuer)).toString() != m_issuer)
        return fail(Error::Issuer,
                    QStringLiteral("issued by \"%1\"").arg(c.value(QLatin1String(Claim::Issuer)).toString()));
    const QJsonValue aud = c.value(QLatin1String(Claim::Audience));
    const bool audienceOk = aud.isArray() ? aud.toArray().contains(m_clientId) : aud.toString() == m_clientId;
    // OIDC Core 3.1.3.7 (4, 5): with several audiences, azp must name us.
    const bool azpOk = !aud.isArray() || aud.toArray().size() == 1
        || c.value(QLatin1String(Claim::AuthorizedParty)).toString() == m_clientId;
    if (!audienceOk || !azpOk)
        return fail(Error::Audience, QStringLiteral("not issued to this client"));
    if (!c.value(QLatin1String(Claim::Expiry)).isDouble() || !c.value(QLatin1String(Claim::IssuedAt)).isDouble())
        return fail(Error::MissingClaim, QStringLiteral("exp or iat is missing"));
    if (!saneTime(c.value(QLatin1String(Claim::Expiry))) || !saneTime(c.value(QLatin1String(Claim::IssuedAt))))
        return fail(Error::Malformed, QStringLiteral("exp or iat is not a plausible time"));
    const qint64 now = m_clock();
    if (seconds(c.value(QLatin1String(Claim::Expiry))) < now - Protocol::ClockSkewLeewaySeconds)
        return fail(Error::Expired, QStringLiteral("expired"));
    if (seconds(c.value(QLatin1String(Claim::IssuedAt))) > now + Protocol::ClockSkewLeewaySeconds)
        return fail(Error::IssuedInFuture, QStringLiteral("issued in the future; is the clock right?"));
    if (!nonce.isEmpty() && c.value(QLatin1String(Claim::Nonce)).toString() != nonce)
        return fail(Error::Nonce, QStringLiteral("the nonce does not match this sign-in"));
    if (c.value(QLatin1String(Claim::Subject)).toString().isEmpty()
        && types.contains(QLatin1String(Protocol::TypIdToken)))
        return fail(Error::MissingClaim, QStringLiteral("sub is missing"));
    return {Error::None, {}, c};
}
