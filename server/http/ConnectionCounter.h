#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

// The open connections of one server, in all and per client address, counted
// across its worker threads: each worker's ConnectionGuard admits and
// releases here, so the limits hold for the server, not per thread.
class ConnectionCounter
{
public:
    enum class Admission { Admitted, AddressFull, ServerFull };

    ConnectionCounter(int maxConnections, int maxPerAddress);

    // Counts the connection when admitted. An empty key (a trusted proxy's
    // connection, which carries many clients) counts only in all.
    Admission admit(const QString &key);
    void release(const QString &key);
    int open() const;

private:
    const int m_maxConnections;
    const int m_maxPerAddress;
    mutable QMutex m_mutex;
    QHash<QString, int> m_perAddress; // by TrustedProxies::key: an IPv6 /64 counts as one
    int m_open = 0;
};
