#pragma once

#include <QtGlobal>

#include <atomic>

// The server's notion of "now", in UTC seconds. Tests move it forward to
// expire tokens, the one fault they cannot cause in real time, while the
// server's worker threads read it.
class Clock
{
public:
    qint64 now() const;
    void advance(qint64 seconds) { m_offset.fetch_add(seconds, std::memory_order_relaxed); }

private:
    std::atomic<qint64> m_offset{0};
};
