#pragma once

#include "UpstreamProviderInfo.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

// A token endpoint answer, classified (PROTOCOL.md 5.1): Bearer tokens for a
// signed-in person, or an onboarding token for someone new.
struct TokenResponse
{
    enum class Kind { SignedIn, OnboardingRequired };

    Kind kind = Kind::SignedIn;
    QString accessToken;
    QString idToken;
    QString refreshToken;
    QString onboardingToken;
    QString scope;
    // Seconds, always within [MinExpiresIn, MaxExpiresIn]: a missing,
    // non-positive or unreadable expires_in counts as DefaultExpiresIn.
    qint64 expiresIn = DefaultExpiresIn;
    // After a link sign-in (PROTOCOL.md 6.5): the provider just linked to
    // the account; empty otherwise.
    UpstreamProviderInfo linkedProvider;

    static constexpr qint64 MinExpiresIn = 1;
    static constexpr qint64 MaxExpiresIn = 24 * 3600;
    // Short, so a session whose lifetime the server did not state renews early.
    static constexpr qint64 DefaultExpiresIn = 300;
    static qint64 expiresInFrom(const QJsonValue &value);

    // Compares token_type case-insensitively (RFC 6749 7.1); on failure says why.
    static bool fromJson(const QJsonObject &json, TokenResponse *response, QString *problem);
};
