#include "TestDatabase.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUuid>

namespace {
const QString Sqlite = QStringLiteral("sqlite");
const QString Postgresql = QStringLiteral("postgresql");
const QString AdminConnection = QStringLiteral("latchkey-test-admin");

QString g_currentBackend = Sqlite;
// Databases of this process that a test has finished with, emptied for the
// next: emptying is cheap, while DROP DATABASE forces a checkpoint.
QStringList g_emptied;

// The cluster's maintenance database, reached as libpq's environment says.
QSqlDatabase admin(QString *error)
{
    if (QSqlDatabase::contains(AdminConnection)) {
        QSqlDatabase db = QSqlDatabase::database(AdminConnection);
        if (db.isOpen())
            return db;
    }
    if (qEnvironmentVariableIsEmpty("PGHOST") && qEnvironmentVariableIsEmpty("PGPORT")) {
        *error = QStringLiteral("no PostgreSQL: PGHOST and PGPORT are unset (scripts/test.sh runs the tests in "
                                "pg_virtualenv)");
        return {};
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), AdminConnection);
    if (!db.isValid()) {
        *error = QStringLiteral("no PostgreSQL: Qt's QPSQL driver is missing (libqt6sql6-psql)");
        return {};
    }
    db.setDatabaseName(QStringLiteral("postgres"));
    db.setConnectOptions(QStringLiteral("connect_timeout=5"));
    if (!db.open()) {
        *error = QStringLiteral("no PostgreSQL at %1:%2: %3")
                     .arg(qEnvironmentVariable("PGHOST"), qEnvironmentVariable("PGPORT"), db.lastError().text());
        return {};
    }
    return db;
}
void drop(const QString &name)
{
    QString error;
    QSqlDatabase db = admin(&error);
    // FORCE: a server process that was killed may still hold a connection.
    if (db.isValid() && !QSqlQuery(db).exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(name)))
        qWarning("cannot drop the test database %s", qPrintable(name));
}

void dropEmptied()
{
    for (const QString &name : std::as_const(g_emptied))
        drop(name);
    g_emptied.clear();
    QSqlDatabase::removeDatabase(AdminConnection);
}

// Drops every table, index and collation, and ends every other connection.
bool empty(const QString &name)
{
    QString error;
    QSqlQuery terminate(admin(&error));
    if (!terminate.exec(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                       "WHERE datname = '%1' AND pid <> pg_backend_pid()")
                            .arg(name)))
        return false;
    const QString connection = QStringLiteral("latchkey-test-empty");
    bool emptied = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setDatabaseName(name);
        QSqlQuery q(db);
        emptied = db.open() && q.exec(QStringLiteral("SET lock_timeout = '5s'"))
            && q.exec(QStringLiteral("SET client_min_messages = warning"))
            && q.exec(QStringLiteral("DROP SCHEMA public CASCADE")) && q.exec(QStringLiteral("CREATE SCHEMA public"));
    }
    QSqlDatabase::removeDatabase(connection);
    return emptied;
}
} // namespace

TestDatabase::TestDatabase(const QString &backend)
    : m_backend(backend)
{
    if (backend == Sqlite)
        return;
    QSqlDatabase db = admin(&m_error);
    if (!db.isValid())
        return;
    if (!g_emptied.isEmpty()) {
        m_name = g_emptied.takeLast();
    } else {
        const QString name = QStringLiteral("latchkey_test_%1_%2")
                                 .arg(QCoreApplication::applicationPid())
                                 .arg(QUuid::createUuid().toString(QUuid::Id128).left(12));
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("CREATE DATABASE %1").arg(name))) {
            m_error = QStringLiteral("cannot create the database %1: %2").arg(name, q.lastError().text());
            return;
        }
        static const bool dropAtExit = (qAddPostRoutine(dropEmptied), true);
        Q_UNUSED(dropAtExit);
        m_name = name;
    }
    QUrl url;
    url.setScheme(Postgresql);
    url.setUserName(qEnvironmentVariable("PGUSER"));
    url.setHost(qEnvironmentVariable("PGHOST"));
    url.setPort(qEnvironmentVariableIntValue("PGPORT") ? qEnvironmentVariableIntValue("PGPORT") : -1);
    url.setPath(u'/' + m_name);
    m_url = url.toString();
}

TestDatabase::~TestDatabase()
{
    if (m_name.isEmpty())
        return;
    if (empty(m_name))
        g_emptied.append(m_name);
    else
        drop(m_name);
}

bool TestDatabase::terminateConnections()
{
    QString error;
    QSqlDatabase db = admin(&error);
    QSqlQuery q(db);
    if (m_name.isEmpty()
        || !q.exec(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE datname = '%1' AND pid <> pg_backend_pid()")
                       .arg(m_name))
        || !q.next())
        return false;
    return q.value(0).toInt() > 0;
}

bool TestDatabase::setAcceptingConnections(bool accepting)
{
    QString error;
    QSqlDatabase db = admin(&error);
    QSqlQuery q(db);
    return !m_name.isEmpty()
        && q.exec(QStringLiteral("ALTER DATABASE \"%1\" ALLOW_CONNECTIONS %2")
                      .arg(m_name, accepting ? QStringLiteral("true") : QStringLiteral("false")));
}

void TestDatabase::addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << Sqlite;
    QTest::newRow("postgresql") << Postgresql;
}

QString TestDatabase::currentBackend()
{
    return g_currentBackend;
}

void TestDatabase::setCurrentBackend(const QString &backend)
{
    g_currentBackend = backend;
}

bool TestDatabase::isAvailable(const QString &backend, QString *why)
{
    if (backend == Sqlite)
        return true;
    return admin(why).isValid();
}

bool TestDatabase::isRequired()
{
    return qEnvironmentVariable("CI") == QLatin1String("true");
}
