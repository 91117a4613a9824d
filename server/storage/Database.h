#pragma once

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <memory>

class WalCheckpointer;

// The server's SQLite database: one connection, WAL mode, schema migrations
// keyed on PRAGMA user_version, and a cache of prepared statements.
class Database
{
public:
    Database();
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Opens (creating if needed) and migrates; false with *error on failure.
    bool open(const QString &path, QString *error);
    void close();

    static int schemaVersion();
    int currentVersion();

    // A prepared statement for `sql`, prepared once and reused.
    QSqlQuery &query(const QString &sql);
    // Runs `sql` with positional bindings; false on failure (logged).
    bool exec(const QString &sql, const QVariantList &values = {});
    // Runs a statement from query() with its values bound; false on failure (logged).
    bool run(QSqlQuery &query);

    bool begin();
    // Rolls back when the commit fails, so no failed transaction stays open.
    bool commit();
    void rollback();

    QSqlDatabase &connection() { return m_db; }

private:
    bool migrate(QString *error);
    void failed(const QSqlQuery &query);
    // A write went through: the disk has room again.
    void wrote();
    static bool changedRows(const QSqlQuery &query);

    QString m_name;
    QString m_path;
    bool m_inTransaction = false;
    // Writes fail for want of space: logged once when it starts and once when it ends.
    bool m_diskFull = false;
    QSqlDatabase m_db;
    QHash<QString, std::shared_ptr<QSqlQuery>> m_queries;
    std::unique_ptr<WalCheckpointer> m_checkpointer;
};

// Rolls back unless committed, so no early return leaves a transaction open.
class Transaction
{
public:
    explicit Transaction(Database &db) : m_db(db), m_open(db.begin()) {}
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
