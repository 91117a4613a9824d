#pragma once

#include <QString>
#include <QThread>

// Copies the SQLite write-ahead log into the database from a thread of its
// own, so the fsyncs of a checkpoint never stall request handling. The main
// connection runs with wal_autocheckpoint off while this one is alive.
class WalCheckpointer
{
public:
    static constexpr int IntervalMs = 1000;

    explicit WalCheckpointer(const QString &databasePath);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

private:
    QThread m_thread;
};
