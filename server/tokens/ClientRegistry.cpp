#include "ClientRegistry.h"

#include "Protocol.h"

#include <QRegularExpression>

bool ClientRegistry::isKnown(const QString &clientId) const
{
    return clientId == QLatin1String(Protocol::DefaultClientId);
}

QString ClientRegistry::displayName(const QString &clientId) const
{
    return isKnown(clientId) ? QStringLiteral("The Latchkey app") : clientId;
}

bool ClientRegistry::isRegisteredRedirect(const QString &clientId, const QString &redirectUri) const
{
    if (!isKnown(clientId))
        return false;
    // The registered URIs with the port left open, matched against the string
    // as sent: a URL parser would take "HTTP://", "127.1", "0x7f.0.0.1",
    // "[0:0::1]", "call%62ack" or an empty userinfo as the same place, but the
    // string the code is bound to and redirected to would be another one.
    static const QRegularExpression registered(
        QStringLiteral("\\Ahttp://(?:127\\.0\\.0\\.1|\\[::1\\]):([1-9][0-9]{0,4})%1\\z")
            .arg(QRegularExpression::escape(QLatin1String(Protocol::RedirectPath))));
    const QRegularExpressionMatch match = registered.match(redirectUri);
    return match.hasMatch() && match.captured(1).toInt() <= 65535;
}
