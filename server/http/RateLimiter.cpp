#include "RateLimiter.h"

#include "Clock.h"

#include <QtMath>

#include <algorithm>

namespace {
constexpr int MaxBuckets = 100000;
}

RateLimiter::RateLimiter(const Clock &clock, int perMinute)
    : m_clock(clock)
    , m_capacity(std::max(1, perMinute))
{
}

int RateLimiter::acquire(const QString &key)
{
    const qint64 now = m_clock.now();
    const QMutexLocker locker(&m_mutex);
    if (m_buckets.size() > MaxBuckets) {
        // Full buckets carry no state worth keeping.
        m_buckets.removeIf([&](const auto &it) { return now - it.value().updatedAt > 60; });
    }
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, {m_capacity, now});
    const double perSecond = m_capacity / 60.0;
    it->tokens = std::min(m_capacity, it->tokens + double(now - it->updatedAt) * perSecond);
    it->updatedAt = now;
    if (it->tokens >= 1.0) {
        it->tokens -= 1.0;
        return 0;
    }
    return std::max(1, int(qCeil((1.0 - it->tokens) / perSecond)));
}
