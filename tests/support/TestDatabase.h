#pragma once

#include <QString>
#include <QtTest>

// The storage a test server runs on. The server suites run every test once
// per backend (QTest global data), so neither backend rots:
//   void initTestCase_data() { TestDatabase::addBackendRows(); }
//   void init() { LATCHKEY_USE_BACKEND(); ... TestServer ... }
// "sqlite" is the server's data directory; "postgresql" a database of its own
// on the cluster the environment names (PGHOST, PGPORT, PGUSER, PGPASSWORD, as
// pg_virtualenv sets them; scripts/test.sh runs the tests inside it), created
// for one server and dropped after it.
class TestDatabase
{
public:
    explicit TestDatabase(const QString &backend);
    ~TestDatabase();
    TestDatabase(const TestDatabase &) = delete;
    TestDatabase &operator=(const TestDatabase &) = delete;

    // For ServerConfig::database or --database: empty for SQLite.
    QString url() const { return m_url; }
    // Why the database could not be made; empty when it was.
    QString error() const { return m_error; }
    QString backend() const { return m_backend; }
    // PostgreSQL: ends every connection to this database, as a database
    // restart or a network fault would; false when that failed.
    bool terminateConnections();
    // PostgreSQL only: whether the database takes new connections
    // (ALLOW_CONNECTIONS). Refused and its connections ended, it is away for
    // the server as when PostgreSQL stops, without stopping the cluster
    // other tests run on.
    bool setAcceptingConnections(bool accepting);

    static void addBackendRows();
    // The backend that TestServer uses unless told otherwise (set by LATCHKEY_USE_BACKEND).
    static QString currentBackend();
    static void setCurrentBackend(const QString &backend);
    // Whether PostgreSQL is reachable; *why says why not.
    static bool isAvailable(const QString &backend, QString *why);
    // CI=true: a backend that is not available fails the test instead of skipping it.
    static bool isRequired();

private:
    QString m_backend;
    QString m_name;
    QString m_url;
    QString m_error;
};

// In init() (or a test function) of a suite with TestDatabase::addBackendRows():
// the row's backend for every TestServer made from here on, skipping (failing
// under CI) when it is not available.
#define LATCHKEY_USE_BACKEND() \
    do { \
        QFETCH_GLOBAL(QString, backend); \
        QString why_; \
        if (!TestDatabase::isAvailable(backend, &why_)) { \
            if (TestDatabase::isRequired()) \
                QFAIL(qPrintable(why_)); \
            QSKIP(qPrintable(why_)); \
        } \
        TestDatabase::setCurrentBackend(backend); \
    } while (false)
