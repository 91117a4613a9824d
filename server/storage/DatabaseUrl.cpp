#include "DatabaseUrl.h"

#include <QDir>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace {
const QString SqliteFile = QStringLiteral("latchkey.sqlite");

Result<DatabaseUrl> parsePostgresql(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return ServerError::startup(
            QStringLiteral("--database: %1 is not a valid URL (%2)").arg(text, url.errorString()));
    if (!url.password().isEmpty())
        return ServerError::startup(
            QStringLiteral("--database: a password in the URL would show in the process list; put it in "
                           "PGPASSFILE or ~/.pgpass, or in the environment as LATCHKEY_DATABASE_PASSWORD"));
    DatabaseUrl database;
    database.kind = SqlDialect::Kind::Postgresql;
    database.host = url.host();
    database.port = url.port();
    database.user = url.userName();
    database.path = url.path().mid(1);
    if (database.path.isEmpty() || database.path.contains(u'/'))
        return ServerError::startup(
            QStringLiteral("--database: name the database, as in postgresql://latchkey@localhost:5432/latchkey"));
    // libpq's own parameters (sslmode, connect_timeout, ...): plain words only,
    // so no value can smuggle another parameter into the connection string.
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:-]+$"));
    QStringList options;
    for (const auto &[key, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded)) {
        if (!plain.match(key).hasMatch() || !plain.match(value).hasMatch() || key == QLatin1String("password"))
            return ServerError::startup(QStringLiteral("--database: the option %1 is not accepted").arg(key));
        options.append(key + u'=' + value);
    }
    database.options = options.join(u';');
    return database;
}
} // namespace

Result<DatabaseUrl> DatabaseUrl::parse(const QString &text, const QString &dataDir)
{
    if (text.isEmpty() || text == QLatin1String("sqlite:"))
        return DatabaseUrl{SqlDialect::Kind::Sqlite, QDir(dataDir).filePath(SqliteFile), {}, -1, {}, {}};
    if (text.startsWith(QLatin1String("sqlite:"))) {
        const QString path = text.mid(7);
        if (!QDir::isAbsolutePath(path))
            return ServerError::startup(
                QStringLiteral("--database: sqlite: wants an absolute path, or nothing for the data directory"));
        return DatabaseUrl{SqlDialect::Kind::Sqlite, path, {}, -1, {}, {}};
    }
    if (text.startsWith(QLatin1String("postgresql://")) || text.startsWith(QLatin1String("postgres://")))
        return parsePostgresql(text);
    return ServerError::startup(
        QStringLiteral("--database wants sqlite: (the default) or postgresql://user@host:port/dbname"));
}

QString DatabaseUrl::display() const
{
    if (kind == SqlDialect::Kind::Sqlite)
        return QStringLiteral("sqlite:") + path;
    // By hand: QUrl drops the "//" of a URL without a host (the local socket).
    QString text = QStringLiteral("postgresql://");
    if (!user.isEmpty())
        text += QString::fromUtf8(QUrl::toPercentEncoding(user)) + u'@';
    text += host.contains(u':') ? u'[' + host + u']' : host;
    if (port >= 0)
        text += u':' + QString::number(port);
    return text + u'/' + path;
}
