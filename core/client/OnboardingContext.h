#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

// A first sign-in waiting for registration: the validated onboarding token's
// claims for prefilling, and the secrets needed to complete it.
struct OnboardingContext
{
    QString token;
    QByteArray codeVerifier;
    QString nonce;
    QString provider;   // "GitHub"
    QString providerId; // "github"
    QString email;
    bool emailVerified = false;
    QString name;
    QString preferredUsername;
    qint64 expiresAt = 0; // UTC seconds
    QUrl termsOfService;  // empty when the provider publishes none
    QUrl onboardingEndpoint;
    QUrl usernameCheckEndpoint;
    QUrl linkRequestEndpoint; // empty: the server offers no linking
};
