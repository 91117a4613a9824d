#pragma once

#include "DatabaseUrl.h"
#include "Result.h"
#include "SqlDialect.h"

#include <QElapsedTimer>
#include <QHash>
#include <QLockFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <memory>
#include <mutex>

class Metrics;
class WalCheckpointer;

// The server's database, SQLite (WAL mode) or PostgreSQL (SqlDialect): one
// connection, schema migrations, and a cache of prepared statements. A
// connection belongs to the thread that connected it: each of the server's
// worker threads has its own.
class Database
{
public:
    // Main: the connection of the server's own thread, which also copies
    // SQLite's write-ahead log into the database (WalCheckpointer) while it
    // lives. Worker: a worker thread's, which leaves that to the main one.
    enum class Role { Main, Worker };

    Database();
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Connects (creating a SQLite file if needed).
    Result<void> connect(const DatabaseUrl &url, Role role = Role::Main);
    // Brings the schema up to date; call under a StartupLock. The value tells
    // whether the database was new (schema version 0) before.
    Result<bool> migrate();
    // connect() and migrate() under a StartupLock (a SQLite file path alone).
    Result<void> open(const QString &path);
    void close();

    const SqlDialect &dialect() const { return m_dialect; }
    const DatabaseUrl &url() const { return m_url; }

    static int schemaVersion();
    int currentVersion();

    // A prepared statement for `sql`, prepared once and reused.
    QSqlQuery &query(const QString &sql);
    // Runs `sql` with positional bindings; false on failure (logged).
    bool exec(const QString &sql, const QVariantList &values = {});
    // Runs a statement from query() with its values bound; false on failure (logged).
    bool run(QSqlQuery &query);

    // On SQLite, also takes this process's writer lock of the file until
    // commit() or rollback(): its threads write one at a time, waiting on a
    // mutex instead of in SQLite's busy handler, which sleeps in steps of
    // milliseconds (other processes on the file still meet that handler).
    bool begin();
    // Rolls back when the commit fails, so no failed transaction stays open.
    bool commit();
    void rollback();

    QSqlDatabase &connection() { return m_db; }
    // Counts failed statements and connections; none without.
    void setMetrics(Metrics *metrics) { m_metrics = metrics; }

    // A cheap SELECT 1, for /readyz: whether the database answers now. After
    // a lost connection it is also what tries the connection again.
    Result<void> ping();

private:
    Result<void> configure();
    Result<void> fillEmailKeys();
    // Runs the migrations from schema version `version` on.
    Result<void> upgradeFrom(int version);
    // After a lost connection, between transactions: a new connection, at most once a second.
    void reconnect();
    // ping()'s second try, on a new connection.
    bool retryAfterReconnect();
    // Runs a statement PostgreSQL cannot prepare (BEGIN, COMMIT, DDL) unprepared there.
    bool command(const QString &sql);
    void failed(const QSqlQuery &query);
    void countError();
    // A write went through: the disk has room again.
    void wrote();
    static bool changedRows(const QSqlQuery &query);
    static bool isWrite(const QString &sql);

    void releaseWriter();

    QString m_name;
    QString m_path;
    Role m_role = Role::Main;
    std::unique_lock<std::mutex> m_writer;
    DatabaseUrl m_url;
    SqlDialect m_dialect;
    Metrics *m_metrics = nullptr;
    bool m_inTransaction = false;
    bool m_transactionFailed = false;
    // Writes fail for want of space: logged once when it starts and once when it ends.
    bool m_diskFull = false;
    QSqlDatabase m_db;
    QHash<QString, std::shared_ptr<QSqlQuery>> m_queries;
    std::shared_ptr<QSqlQuery> m_failedPrepare;
    static constexpr int ReconnectIntervalMs = 1000;
    bool m_connectionLost = false;
    QElapsedTimer m_lastReconnect;
    // The statements of the lost connection: a caller may still hold one until its request ends.
    QList<std::shared_ptr<QSqlQuery>> m_lostQueries;
    std::unique_ptr<WalCheckpointer> m_checkpointer;
};

// Start-up work that must happen once however many instances start at the
// same moment (migrations, the first signing key, QA seeding) runs under this
// lock: PostgreSQL's session advisory lock, or a lock file beside a SQLite
// database. Held until destroyed; waits for another instance's start-up.
class StartupLock
{
public:
    explicit StartupLock(Database &db);
    ~StartupLock();
    StartupLock(const StartupLock &) = delete;
    StartupLock &operator=(const StartupLock &) = delete;

    // An error saying why when the lock could not be taken.
    Result<void> isHeld() const;

private:
    static constexpr int StartupLockWaitMs = 120000;

    Database &m_db;
    std::unique_ptr<QLockFile> m_file;
    bool m_held = false;
    QString m_error;
};

// Rolls back unless committed, so no early return leaves a transaction open.
class Transaction
{
public:
    explicit Transaction(Database &db)
        : m_db(db)
        , m_open(db.begin())
    {
    }
    ~Transaction()
    {
        if (m_open)
            m_db.rollback();
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool isOpen() const { return m_open; }
    bool commit()
    {
        m_open = false;
        return m_db.commit();
    }

private:
    Database &m_db;
    bool m_open;
};
