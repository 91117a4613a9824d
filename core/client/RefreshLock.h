#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

class QLockFile;

// The lock file that lets one running instance refresh at a time.
//
// QLockFile calls a lock stale when its file has not changed for `staleMs`
// (or at once when its holder's process is gone), and then removes it; a
// refresh can take longer than that (keychain 10 s + network 2 × 15 s +
// keychain 10 s against 30 s), so the holder touches the file while it
// works and the lock only looks stale once its holder has stopped.
//
// What that protects against: on Unix QLockFile also holds flock(2) on the
// file and removes a stale lock only if it gets that flock itself, so on a
// local filesystem a living holder keeps its lock even when it looks stale
// (Qt 6.4, qlockfile_unix.cpp: removeStaleLock()); on Windows the holder's
// handle keeps others from deleting the file. The touch matters where flock
// is not enforced between the two processes: a lock directory on NFS
// mounted with nolock or on some FUSE mounts, where QLockFile only warns
// that flock failed and the file's age is all it goes by. TestRefreshLock
// shows both.
class RefreshLock : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultStaleMs = 30000;

    RefreshLock(const QString &path, int staleMs, QObject *parent = nullptr);
    ~RefreshLock() override;

    // Without waiting; false while another holder works.
    bool tryLock();

private:
    void touch();

    std::unique_ptr<QLockFile> m_file;
    QString m_path;
    QTimer m_heartbeat;
};
