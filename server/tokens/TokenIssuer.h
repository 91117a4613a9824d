#pragma once

#include "Account.h"
#include "Protocol.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

class Clock;
class KeyStore;

// What one token response is about.
struct TokenGrant
{
    Account account;
    QString clientId;
    QString scope;
    QString sessionId; // goes into the access token's "sid"
    QString nonce;     // empty: none (refresh)
    QString provider;  // upstream provider's display name, as "idp"; empty: unknown
    qint64 authTime = 0;
    QByteArray refreshToken;
    bool withIdToken = true;
};

// Mints the JWTs of PROTOCOL.md 6.1 and 7 with the current signing key.
class TokenIssuer
{
public:
    TokenIssuer(const QString &issuer, const KeyStore &keys, const Clock &clock, bool minimalIdTokens = false);

    const QString &issuer() const { return m_issuer; }

    QByteArray idToken(const TokenGrant &grant) const;
    // `sessionId` goes into "sid", so revoking a session also stops its access tokens.
    QByteArray accessToken(const Account &account, const QString &clientId, const QString &scope,
                           const QString &sessionId) const;
    // `claims` holds the onboarding-specific claims; standard ones and a new jti are added here.
    QByteArray onboardingToken(QJsonObject claims, const QString &clientId, QString *jti) const;
    // The same with the jti in `claims` (QA mode's fault hook signs a token again), for `lifetime` seconds.
    QByteArray signOnboardingToken(const QJsonObject &claims, const QString &clientId, int lifetime) const;

    // The standard token response of PROTOCOL.md 5.1, with an ID token when
    // asked for and the scope has openid.
    QJsonObject tokenResponse(const TokenGrant &grant) const;

private:
    QByteArray sign(const char *typ, QJsonObject claims, const QString &audience, int lifetime) const;

    QString m_issuer;
    const KeyStore &m_keys;
    const Clock &m_clock;
    bool m_minimalIdTokens;
};
