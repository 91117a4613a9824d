#pragma once

#include <QString>
#include <QUrl>

// The clients this server knows. The reference server registers one public
// native client whose redirect URIs are the loopback ones of RFC 8252.
class ClientRegistry
{
public:
    bool isKnown(const QString &clientId) const;
    // The name people know the client by (the device page shows it, PROTOCOL.md 10).
    QString displayName(const QString &clientId) const;
    // RFC 8252 section 7.3: http://127.0.0.1:{port}/callback or
    // http://[::1]:{port}/callback, character for character; only the port
    // (1..65535, no leading zero) may vary. "localhost" is refused (section 8.3).
    bool isRegisteredRedirect(const QString &clientId, const QString &redirectUri) const;
};
