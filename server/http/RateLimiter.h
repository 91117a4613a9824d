#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

class Clock;

// A token bucket per key (an onboarding token's jti, say): `perMinute`
// attempts, refilled continuously. Memory only, per instance (docs/limits.md:
// N instances let N times the rate through); a restart forgives everyone.
// Shared by the server's worker threads.
class RateLimiter
{
public:
    RateLimiter(const Clock &clock, int perMinute);

    // 0 when allowed (and counted); otherwise the seconds to wait.
    int acquire(const QString &key);

private:
    struct Bucket
    {
        double tokens;
        qint64 updatedAt;
    };

    const Clock &m_clock;
    double m_capacity;
    QMutex m_mutex;
    QHash<QString, Bucket> m_buckets;
};
