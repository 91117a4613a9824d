#include "RefreshLock.h"

#include <QFile>
#include <QLockFile>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/stat.h>
#endif

RefreshLock::RefreshLock(const QString &path, int staleMs, QObject *parent)
    : QObject(parent)
    , m_file(std::make_unique<QLockFile>(path))
    , m_path(path)
{
    m_file->setStaleLockTime(staleMs);
    // Three beats per stale time: one late beat does not lose the lock.
    m_heartbeat.setInterval(qMax(1, staleMs / 3));
    connect(&m_heartbeat, &QTimer::timeout, this, &RefreshLock::touch);
}

RefreshLock::~RefreshLock()
{
    if (m_file->isLocked())
        m_file->unlock();
}

bool RefreshLock::tryLock()
{
    if (!m_file->tryLock(0))
        return false;
    m_heartbeat.start();
    return true;
}

void RefreshLock::touch()
{
#ifdef Q_OS_UNIX
    // Only the modification time, by which QLockFile judges staleness.
    ::utimensat(AT_FDCWD, QFile::encodeName(m_path).constData(), nullptr, 0);
#endif
    // Elsewhere (Windows) the holder's handle, shared for reading only,
    // already keeps the file from being removed, and keeps it from being
    // opened here for writing.
}
