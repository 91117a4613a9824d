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
    // `count` attempts per `windowSeconds`, refilled continuously.
    RateLimiter(const Clock &clock, int count, int windowSeconds);

    // 0 when allowed (and counted); otherwise the seconds to wait.
    int acquire(const QString &key);
    // The same answer as acquire(), counting nothing: for limits that count
    // only failures (wrong device user codes), asked before the attempt.
    int wait(const QString &key);

private:
    struct Bucket
    {
        double tokens;
        qint64 updatedAt;
    };

    // Refills the key's bucket to now; the caller holds the mutex.
    Bucket &refilled(const QString &key, qint64 now);
    int waitFor(const Bucket &bucket) const;

    const Clock &m_clock;
    double m_capacity;
    double m_perSecond;
    qint64 m_windowSeconds;
    QMutex m_mutex;
    QHash<QString, Bucket> m_buckets;
};
