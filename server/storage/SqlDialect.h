#pragma once

#include <QSqlError>
#include <QString>
#include <QStringList>

// Every difference between the SQL that SQLite and PostgreSQL accept, in one
// place. Everything else is written once, in SQL both understand (checked
// with SQLite 3.40 and PostgreSQL 15):
//  - INSERT ... ON CONFLICT (...) DO UPDATE / DO NOTHING, RETURNING; in an
//    upsert's WHERE, name the table's own columns with the table's name
//    (PostgreSQL calls a bare name that `excluded` also has ambiguous);
//  - positional `?` parameters (Qt rewrites them to $1.. for PostgreSQL);
//  - TEXT, BIGINT, INTEGER, BLOB; `COLLATE NOCASE` (PostgreSQL gets a
//    case-insensitive ICU collation named nocase); `||`, LIKE, IS NULL.
// A unique index, not a read-then-write, decides who wins a race: with several
// instances on one PostgreSQL database there is no single writer any more.
// A read that decides a write in the same transaction ends in lockRow().
//
// Adding a migration that runs on both: append a script to Database.cpp's
// list, written as for SQLite; translate() maps its types for PostgreSQL
// (INTEGER -> BIGINT, BLOB -> BYTEA, WITHOUT ROWID dropped). Statements are
// split at ';' and `--` comments removed, so neither may appear in a literal.
class SqlDialect
{
public:
    enum class Kind { Sqlite, Postgresql };

    explicit SqlDialect(Kind kind = Kind::Sqlite)
        : m_kind(kind)
    {
    }

    Kind kind() const { return m_kind; }
    bool isPostgresql() const { return m_kind == Kind::Postgresql; }
    // The Qt SQL driver: QSQLITE or QPSQL.
    QString driverName() const;

    // Run on every new connection before anything else.
    QStringList connectionSetup() const;
    // Run before reading the schema version, under the start-up lock: what
    // the version is kept in, and PostgreSQL's nocase collation.
    QStringList schemaSetup() const;
    // One row with one integer: the schema version (0 for a new database).
    QString readVersion() const;
    QString writeVersion(int version) const;
    // A migration script as this database wants it.
    QString translate(const QString &script) const;

    // Starts a transaction that writes. SQLite takes its write lock at once,
    // so two writers never deadlock upgrading read locks; PostgreSQL locks
    // rows as it writes them (and as lockRow() reads them).
    QString beginWrite() const;
    // Appended to a SELECT whose rows the transaction will update: another
    // instance's transaction waits for this one (PostgreSQL). SQLite has one
    // writer at a time already (beginWrite), and no FOR UPDATE.
    QString lockRow() const;
    // A lock on the whole database for start-up work (migrations, keys,
    // seeds): a session advisory lock on PostgreSQL. Empty for SQLite, whose
    // file is locked beside it instead (StartupLock).
    QString acquireStartupLock() const;
    QString releaseStartupLock() const;
    // Whether BEGIN, COMMIT and schema statements can go through prepare():
    // PostgreSQL prepares only SELECT, INSERT, UPDATE, DELETE and VALUES.
    bool preparesEveryStatement() const { return m_kind == Kind::Sqlite; }

    // A unique or foreign key constraint refused the write: an answer, not a fault.
    bool isConstraintViolation(const QSqlError &error) const;
    // The disk (or a quota) has no room for the write.
    bool isDiskFull(const QSqlError &error) const;
    // The connection to the database server broke (it restarted, a network
    // fault, the connection was terminated): a new one may work.
    bool isConnectionLost(const QSqlError &error) const;
    // For the log: PostgreSQL's message without the statement text it quotes
    // (its LINE context would show stored values).
    QString describe(const QSqlError &error) const;
    // PostgreSQL's text cannot hold a NUL character (SQLite's can), and Qt
    // sends values inside the statement, where a NUL would cut it short.
    bool canStore(const QVariant &value) const;

private:
    Kind m_kind;
};
