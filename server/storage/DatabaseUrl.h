#pragma once

#include "Result.h"
#include "SqlDialect.h"

#include <QString>
#include <QStringList>

// Where the server keeps its data (--database): "sqlite:" for the data
// directory's latchkey.sqlite, "sqlite:/path/file" for another file, or
// "postgresql://user@host:port/dbname?option=value" (also postgres://). The
// password is never part of it: libpq reads PGPASSFILE or ~/.pgpass, and the
// server passes LATCHKEY_DATABASE_PASSWORD from its environment.
struct DatabaseUrl
{
    SqlDialect::Kind kind = SqlDialect::Kind::Sqlite;
    // SQLite: the file. PostgreSQL: the database's name.
    QString path;
    QString host;
    int port = -1;
    QString user;
    // libpq connection parameters from the query string, "key=value;...".
    QString options;

    // An error when `text` is not one of the forms above; an empty `text` is
    // "sqlite:". `dataDir` holds the default SQLite file.
    static Result<DatabaseUrl> parse(const QString &text, const QString &dataDir);
    // For logs and the start-up banner: never holds a password.
    QString display() const;
};
