#include "UsernameRules.h"

#include <QSet>

#include <array>
#include <utility>

namespace {

bool isLower(QChar c)
{
    return c >= u'a' && c <= u'z';
}
bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}
bool isSeparator(QChar c)
{
    return c == u'_' || c == u'.' || c == u'-';
}

using Reason = UsernameRules::Reason;

constexpr std::array<std::pair<Reason, const char *>, 8> Codes{{
    {Reason::TooShort, "too_short"},
    {Reason::TooLong, "too_long"},
    {Reason::InvalidCharacter, "invalid_character"},
    {Reason::MustStartWithLetter, "must_start_with_letter"},
    {Reason::MustEndAlphanumeric, "must_end_alphanumeric"},
    {Reason::ConsecutiveSeparators, "consecutive_separators"},
    {Reason::Reserved, "reserved"},
    {Reason::Taken, "taken"},
}};

} // namespace

bool UsernameRules::isReserved(const QString &username)
{
    static const QSet<QString> reserved{
        QStringLiteral("admin"),     QStringLiteral("administrator"), QStringLiteral("root"),
        QStringLiteral("system"),    QStringLiteral("support"),       QStringLiteral("help"),
        QStringLiteral("api"),       QStringLiteral("www"),           QStringLiteral("mail"),
        QStringLiteral("security"),  QStringLiteral("null"),          QStringLiteral("undefined"),
        QStringLiteral("me"),        QStringLiteral("settings"),      QStringLiteral("login"),
        QStringLiteral("logout"),    QStringLiteral("signup"),        QStringLiteral("onboard"),
        QStringLiteral("latchkey"),  QStringLiteral("postmaster"),    QStringLiteral("hostmaster"),
        QStringLiteral("webmaster"), QStringLiteral("abuse"),         QStringLiteral("noreply"),
        QStringLiteral("account"),   QStringLiteral("accounts"),      QStringLiteral("oauth"),
        QStringLiteral("token"),     QStringLiteral("userinfo"),
    };
    return reserved.contains(username.toLower());
}

UsernameRules::Reason UsernameRules::check(const QString &username)
{
    if (username.size() < MinLength)
        return Reason::TooShort;
    if (username.size() > MaxLength)
        return Reason::TooLong;
    for (QChar c : username) {
        if (!isLower(c) && !isDigit(c) && !isSeparator(c))
            return Reason::InvalidCharacter;
    }
    if (!isLower(username.front()))
        return Reason::MustStartWithLetter;
    if (isSeparator(username.back()))
        return Reason::MustEndAlphanumeric;
    for (qsizetype i = 1; i < username.size(); ++i) {
        if (isSeparator(username.at(i)) && isSeparator(username.at(i - 1)))
            return Reason::ConsecutiveSeparators;
    }
    if (isReserved(username))
        return Reason::Reserved;
    return Reason::Ok;
}

QString UsernameRules::reasonCode(Reason reason)
{
    for (const auto &[value, code] : Codes) {
        if (value == reason)
            return QString::fromLatin1(code);
    }
    return {};
}

UsernameRules::Reason UsernameRules::reasonFromCode(const QString &code)
{
    for (const auto &[value, text] : Codes) {
        if (code == QLatin1String(text))
            return value;
    }
    return Reason::Ok;
}

QString UsernameRules::normalizeInput(const QString &typed)
{
    QString out = typed;
    for (QChar &c : out) {
        if (c >= u'A' && c <= u'Z')
            c = QChar(c.unicode() + (u'a' - u'A'));
    }
    return out;
}

QString UsernameRules::fromFreeText(const QString &text)
{
    // Letters that do not decompose get their usual ASCII spelling first.
    static const QList<std::pair<QString, QString>> spelled{
        {QStringLiteral("ß"), QStringLiteral("ss")}, {QStringLiteral("æ"), QStringLiteral("ae")},
        {QStringLiteral("œ"), QStringLiteral("oe")}, {QStringLiteral("ø"), QStringLiteral("o")},
        {QStringLiteral("ł"), QStringLiteral("l")},  {QStringLiteral("đ"), QStringLiteral("d")},
        {QStringLiteral("þ"), QStringLiteral("th")}, {QStringLiteral("ı"), QStringLiteral("i")},
    };
    QString spelledOut = text.toLower();
    for (const auto &[letter, ascii] : spelled)
        spelledOut.replace(letter, ascii);
    // Drop accents by decomposing (é -> e + combining mark), then keep what the rules allow.
    const QString decomposed = spelledOut.normalized(QString::NormalizationForm_KD);
    QString out;
    for (QChar c : decomposed) {
        if (isLower(c) || (!out.isEmpty() && isDigit(c)))
            out.append(c);
        else if ((isSeparator(c) || c.isSpace()) && !out.isEmpty() && !isSeparator(out.back()))
            out.append(c.isSpace() ? QChar(u'.') : c);
    }
    out.truncate(MaxLength);
    while (!out.isEmpty() && isSeparator(out.back()))
        out.chop(1);
    const Reason reason = check(out);
    return reason == Reason::Ok || reason == Reason::Reserved ? out : QString();
}
