#pragma once

#include <QtGlobal>

// The server's notion of "now", in UTC seconds. Tests move it forward to
// expire tokens, the one fault they cannot cause in real time.
class Clock
{
public:
    qint64 now() const;
    void advance(qint64 seconds) { m_offset += seconds; }

private:
    qint64 m_offset = 0;
};
