#include "FormData.h"

#include <QUrl>

namespace {
QString decodeComponent(QByteArrayView part)
{
    QByteArray bytes = part.toByteArray();
    bytes.replace('+', ' ');
    return QUrl::fromPercentEncoding(bytes);
}
} // namespace

std::optional<QHash<QString, QString>> FormData::parse(QByteArrayView encoded, QString *duplicate)
{
    QHash<QString, QString> fields;
    for (QByteArrayView pair : QByteArray(encoded.toByteArray()).split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        const QString name = decodeComponent(eq < 0 ? pair : pair.first(eq));
        const QString value = eq < 0 ? QString() : decodeComponent(pair.sliced(eq + 1));
        if (fields.contains(name)) {
            *duplicate = name;
            return std::nullopt;
        }
        fields.insert(name, value);
    }
    return fields;
}

QByteArray FormData::encode(const QList<std::pair<QString, QString>> &fields)
{
    QByteArray out;
    for (const auto &[name, value] : fields) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

bool FormData::isFormContentType(const QByteArray &contentType)
{
    return contentType.split(';').value(0).trimmed().toLower() == "application/x-www-form-urlencoded";
}
