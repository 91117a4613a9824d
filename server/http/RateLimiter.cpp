#include "RateLimiter.h"

#include "Clock.h"

#include <QtMath>

#include <algorithm>

namespace {
constexpr int MaxBuckets = 100000;
}

RateLimiter::RateLimiter(const Clock &clock, int perMinute)
    : RateLimiter(clock, perMinute, 60)
{
}

RateLimiter::RateLimiter(const Clock &clock, int count, int windowSeconds)
    : m_clock(clock)
    , m_capacity(std::max(1, count))
    , m_perSecond(m_capacity / std::max(1, windowSeconds))
    , m_windowSeconds(std::max(1, windowSeconds))
{
}

RateLimiter::Bucket &RateLimiter::refilled(const QString &key, qint64 now)
{
    if (m_buckets.size() > MaxBuckets) {
        // Full buckets carry no state worth keeping.
        m_buckets.removeIf([&](const auto &it) { return now - it.value().updatedAt > m_windowSeconds; });
    }
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, {m_capacity, now});
    it->tokens = std::min(m_capacity, it->tokens + double(now - it->updatedAt) * m_perSecond);
    it->updatedAt = now;
    return *it;
}

int RateLimiter::waitFor(const Bucket &bucket) const
{
    return bucket.tokens >= 1.0 ? 0 : std::max(1, int(qCeil((1.0 - bucket.tokens) / m_perSecond)));
}

int RateLimiter::acquire(const QString &key)
{
    const qint64 now = m_clock.now();
    const QMutexLocker locker(&m_mutex);
    Bucket &bucket = refilled(key, now);
    const int seconds = waitFor(bucket);
    if (seconds == 0)
        bucket.tokens -= 1.0;
    return seconds;
}

int RateLimiter::wait(const QString &key)
{
    const qint64 now = m_clock.now();
    const QMutexLocker locker(&m_mutex);
    return waitFor(refilled(key, now));
}
