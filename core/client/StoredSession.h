#pragma once

#include <QString>

// What the keychain holds for one signed-in account. Secrets only.
struct StoredSession
{
    QString refreshToken;
    QString accessToken;
    qint64 accessTokenExpiresAt = 0; // UTC seconds
    QString idToken;

    QByteArray toJson() const;
    static bool fromJson(const QByteArray &json, StoredSession *session);
};

// Facts about the account that are not secret, kept in the settings so the
// app can show who was signed in even while the keychain is locked.
struct AccountProfile
{
    QString issuer;
    QString subject;
    QString name;
    QString username;
    QString email;
    bool emailVerified = false;
    QString provider;

    bool isValid() const { return !issuer.isEmpty() && !subject.isEmpty(); }
    // The keychain entry's key: one entry per account and server.
    QString vaultKey() const { return issuer + QLatin1Char('#') + subject; }
};
