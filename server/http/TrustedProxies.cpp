#include "TrustedProxies.h"

#include <QHttpServerRequest>

namespace {

// An address as a header writes it: "192.0.2.1", "192.0.2.1:4711",
// "[2001:db8::1]", "[2001:db8::1]:4711", "2001:db8::1", quoted or not.
QHostAddress addressOf(QByteArray text)
{
    text = text.trimmed();
    if (text.size() >= 2 && text.startsWith('"') && text.endsWith('"'))
        text = text.mid(1, text.size() - 2);
    if (text.startsWith('[')) {
        const qsizetype close = text.indexOf(']');
        text = close > 0 ? text.mid(1, close - 1) : QByteArray();
    } else if (text.count(':') == 1) {
        text = text.left(text.indexOf(':'));
    }
    QHostAddress address;
    if (text.isEmpty() || !address.setAddress(QString::fromLatin1(text)))
        return {};
    return address;
}

// RFC 7239 4: elements "for=..." in forwarded-pairs, hops separated by ','
// (also across several header lines, which Qt joins with ',').
QList<QHostAddress> forwardedHops(const QByteArray &header)
{
    QList<QHostAddress> out;
    for (const QByteArray &element : header.split(',')) {
        for (const QByteArray &pair : element.split(';')) {
            const QByteArray trimmed = pair.trimmed();
            if (trimmed.size() > 4 && trimmed.left(4).toLower() == "for=")
                out.append(addressOf(trimmed.mid(4)));
        }
    }
    return out;
}

QList<QHostAddress> xForwardedForHops(const QByteArray &header)
{
    QList<QHostAddress> out;
    for (const QByteArray &entry : header.split(','))
        out.append(addressOf(entry));
    return out;
}

QHostAddress normalized(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}

} // namespace

Result<TrustedProxies> TrustedProxies::parse(const QStringList &ranges)
{
    TrustedProxies proxies;
    for (const QString &text : ranges) {
        const QString range = text.contains(u'/') ? text
            : text.contains(u':')                 ? text + QStringLiteral("/128")
                                                  : text + QStringLiteral("/32");
        const auto subnet = QHostAddress::parseSubnet(range);
        if (subnet.first.isNull())
            return ServerError::startup(
                QStringLiteral("--trusted-proxy %1 is not an address range (CIDR), e.g. 10.0.0.0/8 or ::1/128").arg(text));
        if (subnet.second == 0)
            return ServerError::startup(QStringLiteral("--trusted-proxy %1 trusts every address: anyone could then "
                                                       "choose the address they are counted under. Name the "
                                                       "proxies' own addresses or network.")
                                            .arg(text));
        proxies.m_ranges.append(subnet);
    }
    return proxies;
}

bool TrustedProxies::contains(const QHostAddress &address) const
{
    const QHostAddress plain = normalized(address);
    for (const auto &range : m_ranges) {
        if (plain.isInSubnet(range))
            return true;
    }
    return false;
}

QList<QHostAddress> TrustedProxies::hops(const QByteArray &forwarded, const QByteArray &xForwardedFor)
{
    return forwarded.isEmpty() ? xForwardedForHops(xForwardedFor) : forwardedHops(forwarded);
}

QHostAddress TrustedProxies::clientOf(const QHostAddress &peer, const QByteArray &forwarded,
                                      const QByteArray &xForwardedFor) const
{
    if (m_ranges.isEmpty() || !contains(peer))
        return normalized(peer);
    const QList<QHostAddress> named = hops(forwarded, xForwardedFor);
    // Nearest first: each trusted hop vouches for the one before it.
    for (qsizetype i = named.size() - 1; i >= 0; --i) {
        const QHostAddress hop = named.at(i);
        // An obfuscated or unreadable hop ("unknown", "_secret"): nobody
        // vouches for anything beyond it, so the last trusted proxy is the client.
        if (hop.isNull())
            return normalized(i + 1 < named.size() ? named.at(i + 1) : peer);
        if (!contains(hop) || i == 0)
            return normalized(hop);
    }
    return normalized(peer);
}

QHostAddress TrustedProxies::clientOf(const QHttpServerRequest &request) const
{
    if (m_ranges.isEmpty())
        return normalized(request.remoteAddress());
    return clientOf(request.remoteAddress(), request.value(QByteArrayLiteral("Forwarded")),
                    request.value(QByteArrayLiteral("X-Forwarded-For")));
}

QString TrustedProxies::key(const QHostAddress &address)
{
    const QHostAddress plain = normalized(address);
    if (plain.protocol() != QAbstractSocket::IPv6Protocol)
        return plain.toString();
    Q_IPV6ADDR bytes = plain.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        bytes[i] = 0;
    return QHostAddress(bytes).toString() + QStringLiteral("/64");
}
