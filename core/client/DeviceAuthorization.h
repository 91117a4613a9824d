#pragma once

#include <QJsonObject>
#include <QString>
#include <QUrl>

// The answer of a device authorization endpoint (RFC 8628 3.2): what the
// person types where, and how the client polls. Text from the network: each
// field bounded, and shown as plain text only.
struct DeviceAuthorization
{
    QString deviceCode; // a secret: never shown, never logged
    QString userCode;
    QUrl verificationUri;
    QUrl verificationUriComplete; // may be empty
    int expiresIn = 0;            // seconds
    int interval = 5;             // seconds between polls

    static bool fromJson(const QJsonObject &object, DeviceAuthorization *out, QString *problem);
};
