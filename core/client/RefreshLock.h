#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

class QLockFile;

// The lock file that lets one running instance refresh at a time. QLockFile
// calls a lock stale when its file has not changed for `staleMs`; a refresh
// can take longer than that (keychain 10 s + network 2 × 15 s + keychain
// 10 s), so the holder touches the file while it works and the lock only
// goes stale when its holder has stopped.
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
