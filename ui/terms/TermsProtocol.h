#pragma once

#include <QByteArray>
#include <QByteArrayList>

#include <utility>

// The line protocol between the app and latchkey-terms, the helper process
// that renders the terms with WebEngine (so the app never loads WebEngine or
// creates a GL context). One command per line, "word[ argument]", UTF-8, each
// line at most MaxLine bytes; a longer line ends the conversation. Inline,
// so the helper shares it without linking the UI library.
namespace TermsProtocol {

inline constexpr qsizetype MaxLine = 8192;

// App to helper.
inline constexpr char Load[] = "load";   // load <terms URL>: make the view (hidden), answer with Window
inline constexpr char Title[] = "title"; // title <text>: the window's title when it is a window of its own
inline constexpr char Show[] = "show";   // show the view (after it was embedded, or as a window)
inline constexpr char Hide[] = "hide";
inline constexpr char Reload[] = "reload"; // the terms changed on the server
inline constexpr char Quit[] = "quit";     // so does the end of stdin

// Helper to app.
inline constexpr char Window[] = "window";                // window <native id, decimal>
inline constexpr char Painted[] = "painted";              // the terms are on screen, text and all
inline constexpr char Link[] = "link";                    // link <URL>: the person followed a link
inline constexpr char Error[] = "error";                  // error <text>: the terms cannot be shown
inline constexpr char FocusNext[] = "focus-next";         // Tab left the page forwards: the app takes focus back
inline constexpr char FocusPrevious[] = "focus-previous"; // Shift+Tab left it backwards

inline QByteArray line(const char *word, const QByteArray &argument = {})
{
    QByteArray out(word);
    if (!argument.isEmpty())
        out += ' ' + QByteArray(argument).replace('\n', ' ').replace('\r', ' ');
    return out + '\n';
}

// Complete lines out of a byte stream; false once a line is too long.
class LineBuffer
{
public:
    bool append(const QByteArray &bytes)
    {
        m_pending += bytes;
        for (qsizetype end; (end = m_pending.indexOf('\n')) >= 0;) {
            m_broken = m_broken || end > MaxLine;
            m_lines.append(m_pending.left(end));
            m_pending.remove(0, end + 1);
        }
        m_broken = m_broken || m_pending.size() > MaxLine;
        return !m_broken;
    }
    QByteArrayList take() { return std::exchange(m_lines, {}); }

private:
    QByteArray m_pending;
    QByteArrayList m_lines;
    bool m_broken = false;
};

// Splits "word argument" into its two parts.
inline std::pair<QByteArray, QByteArray> split(const QByteArray &line)
{
    const qsizetype space = line.indexOf(' ');
    if (space < 0)
        return {line, {}};
    return {line.left(space), line.mid(space + 1)};
}

} // namespace TermsProtocol
