#pragma once

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
    qint64 expiresIn = 0;

    // Compares token_type case-insensitively (RFC 6749 7.1); on failure says why.
    static bool fromJson(const QJsonObject &json, TokenResponse *response, QString *problem);
};
