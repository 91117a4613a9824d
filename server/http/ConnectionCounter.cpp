#include "ConnectionCounter.h"

ConnectionCounter::ConnectionCounter(int maxConnections, int maxPerAddress)
    : m_maxConnections(maxConnections)
    , m_maxPerAddress(maxPerAddress)
{
}

ConnectionCounter::Admission ConnectionCounter::admit(const QString &key)
{
    const QMutexLocker locker(&m_mutex);
    if (m_open >= m_maxConnections)
        return Admission::ServerFull;
    if (!key.isEmpty() && m_perAddress.value(key) >= m_maxPerAddress)
        return Admission::AddressFull;
    ++m_open;
    if (!key.isEmpty())
        ++m_perAddress[key];
    return Admission::Admitted;
}

void ConnectionCounter::release(const QString &key)
{
    const QMutexLocker locker(&m_mutex);
    --m_open;
    if (!key.isEmpty() && --m_perAddress[key] <= 0)
        m_perAddress.remove(key);
}

int ConnectionCounter::open() const
{
    const QMutexLocker locker(&m_mutex);
    return m_open;
}
