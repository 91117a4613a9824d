#pragma once

#include <QHash>
#include <QString>

// Server-rendered HTML pages from templates in resources/server. In a
// template, {{name}} is replaced by the HTML-escaped value and {{{name}}} by
// a fragment that is already HTML (built with escape()).
class PageRenderer
{
public:
    using Values = QHash<QString, QString>;

    static QString escape(const QString &text);
    // The template `name` (e.g. "signin") inside the common layout.
    static QString page(const QString &name, const QString &title, const Values &values);
    static QString fragment(const QString &name, const Values &values);
    static QByteArray styleSheet();

private:
    static QString fill(QString text, const Values &values);
    static QString load(const QString &name);
};
