#include "QaStrikes.h"

bool QaStrikes::strikeFirstTime(const QString &jti)
{
    const QMutexLocker locker(&m_mutex);
    if (m_struck.contains(jti))
        return false;
    m_struck.insert(jti);
    return true;
}
