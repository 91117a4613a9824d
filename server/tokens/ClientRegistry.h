#pragma once

#include <QString>
#include <QUrl>

// The clients this server knows. The reference server registers one public
// native client whose redirect URIs are the loopback ones of RFC 8252.
class ClientRegistry
{
public:
    bool isKnown(const QString &clientId) const;
    // RFC 8252 section 7.3: scheme, loopback IP literal and path must match;
    // any port is accepted. "localhost" is refused (section 8.3).
    bool isRegisteredRedirect(const QString &clientId, const QString &redirectUri) const;
};
