#pragma once

#include "Result.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QStringList>

class QHttpServerRequest;

// The reverse proxies whose word on the client's address is taken
// (--trusted-proxy CIDR, PROTOCOL.md 9). From a peer inside one of their
// ranges the client is the nearest address of `Forwarded` (RFC 7239) or, when
// that is absent, `X-Forwarded-For` that is not itself a trusted proxy; from
// any other peer those headers are a client's claim and are ignored.
// Per-address limits count clients by key(): an IPv4 address, or an IPv6
// /64, which one household or host typically holds whole.
class TrustedProxies
{
public:
    // Refuses text that is no CIDR range, and a range of all addresses (a
    // server that trusts everyone lets anyone pick their address).
    static Result<TrustedProxies> parse(const QStringList &ranges);

    bool isEmpty() const { return m_ranges.isEmpty(); }
    bool contains(const QHostAddress &address) const;
    // The client's address for a request that arrived from `peer`.
    QHostAddress clientOf(const QHostAddress &peer, const QByteArray &forwarded, const QByteArray &xForwardedFor) const;
    QHostAddress clientOf(const QHttpServerRequest &request) const;
    // What per-address limits count by.
    static QString key(const QHostAddress &address);

private:
    // The hops the headers name, farthest first; empty when none or unreadable.
    static QList<QHostAddress> hops(const QByteArray &forwarded, const QByteArray &xForwardedFor);

    QList<QPair<QHostAddress, int>> m_ranges;
};
