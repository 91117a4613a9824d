#include "ClientRegistry.h"

#include "Protocol.h"

bool ClientRegistry::isKnown(const QString &clientId) const
{
    return clientId == QLatin1String(Protocol::DefaultClientId);
}

bool ClientRegistry::isRegisteredRedirect(const QString &clientId, const QString &redirectUri) const
{
    if (!isKnown(clientId))
        return false;
    const QUrl url(redirectUri, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("http") || !url.userInfo().isEmpty()
        || url.hasQuery() || url.hasFragment() || url.port() <= 0)
        return false;
    const QString host = url.host();
    const bool loopback = host == QLatin1String("127.0.0.1") || host == QLatin1String("::1");
    return loopback && url.path() == QLatin1String(Protocol::RedirectPath);
}
