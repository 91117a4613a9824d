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
} // namespace

TestDatabase::TestDatabase(const QString &backend)
    : m_backend(backend)
{
    if (backend == Sqlite)
        return;
    QSqlDatabase db = admin(&m_error);
    if (!db.isValid())
        return;
    m_name = QStringLiteral("latchkey_test_%1_%2")
                 .arg(QCoreApplication::applicationPid())
                 .arg(QUuid::createUuid().toString(QUuid::Id128).left(12));
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("CREATE DATABASE %1").arg(m_name))) {
        m_error = QStringLiteral("cannot create the database %1: %2").arg(m_name, q.lastError().text());
        m_name.clear();
        return;
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
    QString error;
    QSqlDatabase db = admin(&error);
    // FORCE: a server process that was killed may still hold a connection.
    if (db.isValid() && !QSqlQuery(db).exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_name)))
        qWarning("cannot drop the test database %s", qPrintable(m_name));
}

bool TestDatabase::terminateConnections()
{
    QString error;
    QSqlDatabase db = admin(&error);
    QSqlQuery q(db);
    if (m_name.isEmpty() || !q.exec(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                                   "WHERE datname = '%1' AND pid <> pg_backend_pid()")
                                        .arg(m_name))
        || !q.next())
        return false;
    return q.value(0).toInt() > 0;
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
