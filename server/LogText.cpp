#include "LogText.h"

namespace {

bool isInvisible(char32_t c)
{
    switch (QChar::category(c)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate: // half of a pair, alone
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true;
    default:
        return false;
    }
}

QString hex(char32_t c, int digits)
{
    return QString::number(uint(c), 16).toUpper().rightJustified(digits, u'0');
}

// `c` as the log shows it.
QString shown(char32_t c)
{
    switch (c) {
    case U'\n':
        return QStringLiteral("\\n");
    case U'\r':
        return QStringLiteral("\\r");
    case U'\t':
        return QStringLiteral("\\t");
    case U'\\':
        return QStringLiteral("\\\\");
    default:
        break;
    }
    if (!isInvisible(c))
        return QString::fromUcs4(&c, 1);
    return c > 0xFFFF ? QStringLiteral("\\U") + hex(c, 8) : QStringLiteral("\\u") + hex(c, 4);
}

} // namespace

QString logText(QStringView untrusted, qsizetype max)
{
    QString out;
    out.reserve(std::min(untrusted.size(), max) + 1);
    for (qsizetype i = 0; i < untrusted.size(); ++i) {
        char32_t c = untrusted.at(i).unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < untrusted.size() && untrusted.at(i + 1).isLowSurrogate()) {
            c = QChar::surrogateToUcs4(untrusted.at(i), untrusted.at(i + 1));
            ++i;
        }
        const QString piece = shown(c);
        if (out.size() + piece.size() > max) {
            out += u'\u2026';
            break;
        }
        out += piece;
    }
    return out;
}
