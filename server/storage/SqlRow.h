#pragma once

#include <QSqlQuery>
#include <QSqlRecord>
#include <QVariant>

// The current row of a query, read by column name: a SELECT's column order
// can change without every reader changing with it. The record is taken
// once per row, not once per column (QSqlQuery::value(name) would build it
// again for each).
class SqlRow
{
public:
    explicit SqlRow(const QSqlQuery &query)
        : m_query(query)
        , m_record(query.record())
    {
    }

    QVariant operator[](const char *column) const { return m_query.value(m_record.indexOf(QLatin1String(column))); }
    QString text(const char *column) const { return (*this)[column].toString(); }
    qint64 number(const char *column) const { return (*this)[column].toLongLong(); }
    bool isNull(const char *column) const { return (*this)[column].isNull(); }

private:
    const QSqlQuery &m_query;
    QSqlRecord m_record;
};
