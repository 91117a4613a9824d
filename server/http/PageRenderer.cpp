#include "PageRenderer.h"

#include <QFile>
#include <QRegularExpression>

QString PageRenderer::escape(const QString &text)
{
    QString out = text.toHtmlEscaped();
    out.replace(u'\'', QLatin1String("&#39;"));
    return out;
}

QString PageRenderer::load(const QString &name)
{
    QFile file(QStringLiteral(":/server/%1.html").arg(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("page template %s is missing from the resources", qPrintable(name));
    return QString::fromUtf8(file.readAll());
}

QString PageRenderer::fill(QString text, const Values &values)
{
    static const QRegularExpression placeholder(QStringLiteral("\\{\\{(\\{?)([a-z_]+)\\}?\\}\\}"));
    QString out;
    qsizetype last = 0;
    for (const auto &match : placeholder.globalMatch(text)) {
        out += QStringView(text).mid(last, match.capturedStart() - last);
        const QString value = values.value(match.captured(2));
        out += match.captured(1).isEmpty() ? escape(value) : value;
        last = match.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

QString PageRenderer::fragment(const QString &name, const Values &values)
{
    return fill(load(name), values);
}

QString PageRenderer::page(const QString &name, const QString &title, const Values &values)
{
    return fill(load(QStringLiteral("layout")),
                {{QStringLiteral("title"), title}, {QStringLiteral("content"), fragment(name, values)}});
}

QByteArray PageRenderer::styleSheet()
{
    QFile file(QStringLiteral(":/server/style.css"));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}
