#include "ProxyConfig.h"

#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QNetworkProxyQuery>
#include <QUrl>

ProxyConfig::Parsed ProxyConfig::parse(const QString &text)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.scheme().isEmpty())
        return {QNetworkProxy(), Problem::NotAUrl};
    if (!url.userInfo().isEmpty())
        return {QNetworkProxy(), Problem::HasUserInfo};
    const QString scheme = url.scheme().toLower();
    QNetworkProxy::ProxyType type = QNetworkProxy::HttpProxy;
    if (scheme == QLatin1String("socks5"))
        type = QNetworkProxy::Socks5Proxy;
    else if (scheme != QLatin1String("http"))
        return {QNetworkProxy(), Problem::UnsupportedScheme};
    if (url.host().isEmpty())
        return {QNetworkProxy(), Problem::NoHost};
    // No default port: 80 or 1080 guessed silently would fail far from the typo.
    if (url.port() <= 0)
        return {QNetworkProxy(), Problem::NoPort};
    if (!url.path().isEmpty() && url.path() != QLatin1String("/"))
        return {QNetworkProxy(), Problem::NotAUrl};
    return {QNetworkProxy(type, url.host(), quint16(url.port())), Problem::None};
}

void ProxyConfig::apply(const std::optional<QNetworkProxy> &override)
{
    if (override) {
        QNetworkProxy::setApplicationProxy(*override);
        return;
    }
    QNetworkProxyFactory::setUseSystemConfiguration(true);
}

QNetworkProxy ProxyConfig::proxyFor(const QNetworkAccessManager *manager, const QUrl &url)
{
    // The order QNetworkAccessManager itself follows: its own proxy, its own
    // factory, then the application's.
    if (manager && manager->proxy().type() != QNetworkProxy::DefaultProxy)
        return manager->proxy();
    const QNetworkProxyQuery query(url);
    const QList<QNetworkProxy> proxies = manager && manager->proxyFactory()
        ? manager->proxyFactory()->queryProxy(query)
        : QNetworkProxyFactory::proxyForQuery(query);
    for (const QNetworkProxy &proxy : proxies) {
        if (proxy.type() == QNetworkProxy::HttpProxy || proxy.type() == QNetworkProxy::Socks5Proxy
            || proxy.type() == QNetworkProxy::HttpCachingProxy)
            return proxy;
        if (proxy.type() == QNetworkProxy::NoProxy)
            break;
    }
    return QNetworkProxy(QNetworkProxy::NoProxy);
}

QString ProxyConfig::hostAndPort(const QNetworkProxy &proxy)
{
    if (proxy.type() == QNetworkProxy::NoProxy || proxy.type() == QNetworkProxy::DefaultProxy
        || proxy.hostName().isEmpty())
        return {};
    return QStringLiteral("%1:%2").arg(proxy.hostName()).arg(proxy.port());
}

QString ProxyConfig::describe(const QNetworkProxy &proxy)
{
    const QString where = hostAndPort(proxy);
    if (where.isEmpty())
        return QStringLiteral("none");
    const QString scheme = proxy.type() == QNetworkProxy::Socks5Proxy ? QStringLiteral("socks5")
                                                                      : QStringLiteral("http");
    return scheme + QStringLiteral("://") + where;
}
