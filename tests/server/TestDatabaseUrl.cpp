#include "DatabaseUrl.h"
#include "ResultAssert.h"

#include <QTest>

// --database as the server reads it: where the data goes, and no password
// ever taken from (or shown in) the URL.
class TestDatabaseUrl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void accepted_data();
    void accepted();
    void refused_data();
    void refused();
};

void TestDatabaseUrl::accepted_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("postgresql");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("options");
    QTest::addColumn<QString>("display");
    QTest::newRow("default") << "" << false << "/data/latchkey.sqlite"
                             << "" << -1 << ""
                             << ""
                             << "sqlite:/data/latchkey.sqlite";
    QTest::newRow("sqlite:") << "sqlite:" << false << "/data/latchkey.sqlite"
                             << "" << -1 << ""
                             << ""
                             << "sqlite:/data/latchkey.sqlite";
    QTest::newRow("sqlite file") << "sqlite:/srv/ids.db" << false << "/srv/ids.db"
                                 << "" << -1 << ""
                                 << ""
                                 << "sqlite:/srv/ids.db";
    QTest::newRow("postgresql") << "postgresql://latchkey@db.example.org:5433/ids" << true << "ids"
                                << "db.example.org" << 5433 << "latchkey"
                                << ""
                                << "postgresql://latchkey@db.example.org:5433/ids";
    QTest::newRow("postgres scheme, no port") << "postgres://latchkey@localhost/ids" << true << "ids"
                                              << "localhost" << -1 << "latchkey"
                                              << ""
                                              << "postgresql://latchkey@localhost/ids";
    QTest::newRow("local socket") << "postgresql:///ids" << true << "ids"
                                  << "" << -1 << ""
                                  << ""
                                  << "postgresql:///ids";
    QTest::newRow("libpq options") << "postgresql://latchkey@db/ids?sslmode=verify-full&connect_timeout=3" << true
                                   << "ids"
                                   << "db" << -1 << "latchkey"
                                   << "sslmode=verify-full;connect_timeout=3"
                                   << "postgresql://latchkey@db/ids";
}

void TestDatabaseUrl::accepted()
{
    QFETCH(QString, text);
    QFETCH(bool, postgresql);
    QFETCH(QString, path);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, user);
    QFETCH(QString, options);
    QFETCH(QString, display);
    const auto url = DatabaseUrl::parse(text, QStringLiteral("/data"));
    QVERIFY_OK(url);
    QCOMPARE(url->kind == SqlDialect::Kind::Postgresql, postgresql);
    QCOMPARE(url->path, path);
    QCOMPARE(url->host, host);
    QCOMPARE(url->port, port);
    QCOMPARE(url->user, user);
    QCOMPARE(url->options, options);
    QCOMPARE(url->display(), display);
}

void TestDatabaseUrl::refused_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown scheme") << "mysql://latchkey@db/ids"
                                    << "--database wants sqlite:";
    QTest::newRow("relative sqlite path") << "sqlite:ids.db"
                                          << "absolute path";
    QTest::newRow("password") << "postgresql://latchkey:hunter2@db/ids"
                              << "a password in the URL";
    QTest::newRow("no database name") << "postgresql://latchkey@db"
                                      << "name the database";
    QTest::newRow("a path, not a name") << "postgresql://latchkey@db/ids/more"
                                        << "name the database";
    QTest::newRow("password as an option") << "postgresql://latchkey@db/ids?password=hunter2"
                                           << "the option password is not accepted";
    // A space would start another libpq parameter in the connection string.
    QTest::newRow("smuggled parameter") << "postgresql://latchkey@db/ids?sslmode=disable%20host%3Devil"
                                        << "the option sslmode is not accepted";
}

void TestDatabaseUrl::refused()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    const auto url = DatabaseUrl::parse(text, QStringLiteral("/data"));
    QVERIFY(!url);
    const QString error = url.error().description;
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String("hunter2")), qPrintable(error));
}

QTEST_APPLESS_MAIN(TestDatabaseUrl)
#include "TestDatabaseUrl.moc"
