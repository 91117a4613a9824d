#include "LoopbackRequest.h"

namespace {

// RFC 9110 5.6.2: the characters of a token (a method, a field name).
bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !QByteArrayView("!#$%&'*+-.^_`|~").contains(c))
            return false;
    }
    return true;
}

// Visible ASCII only: browsers percent-encode everything else in a target.
bool isTarget(QByteArrayView text)
{
    for (const char c : text) {
        if (c < 0x21 || c > 0x7e)
            return false;
    }
    return true;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// RFC 9112 2.3: "HTTP/" DIGIT "." DIGIT.
bool isVersion(QByteArrayView text)
{
    return text.size() == 8 && text.startsWith("HTTP/") && isDigit(text[5]) && text[6] == '.' && isDigit(text[7]);
}

// RFC 9112 3.2.2: a server must also accept the absolute-form
// ("http://127.0.0.1:port/callback?..."), which clients send to proxies.
// Returns the origin-form after the authority, or nothing when it has none.
QByteArray originForm(QByteArrayView target)
{
    constexpr QByteArrayView scheme("http://");
    if (target.size() <= scheme.size() || qstrnicmp(target.data(), scheme.data(), scheme.size()) != 0)
        return {};
    const QByteArrayView rest = target.sliced(scheme.size());
    qsizetype end = 0;
    while (end < rest.size() && rest[end] != '/' && rest[end] != '?')
        ++end;
    if (end == 0)
        return {};
    const QByteArrayView after = rest.sliced(end);
    return after.startsWith('/') ? after.toByteArray() : "/" + after.toByteArray();
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

} // namespace

LoopbackRequest::Result LoopbackRequest::feed(QByteArrayView bytes)
{
    if (m_result != Result::NeedMore)
        return m_result;
    const qsizetype taken = qMin(bytes.size(), room());
    m_buffer.append(bytes.first(taken));
    for (qsizetype end = m_buffer.indexOf('\n', m_lineStart); end >= 0; end = m_buffer.indexOf('\n', m_lineStart)) {
        // RFC 9112 2.2: a recipient MAY take a bare LF as a line end and ignore a CR before it.
        QByteArrayView line(m_buffer.constData() + m_lineStart, end - m_lineStart);
        if (line.endsWith('\r'))
            line.chop(1);
        m_lineStart = end + 1;
        if (parseLine(line) != Result::NeedMore)
            return m_result;
    }
    if (m_buffer.size() >= MaxHeadBytes)
        return m_haveRequestLine ? fail(431, "header fields too large") : fail(414, "request line too long");
    return m_result;
}

LoopbackRequest::Result LoopbackRequest::parseLine(QByteArrayView line)
{
    // RFC 9112 2.2: a bare CR is invalid; so is NUL, anywhere in the head.
    if (line.contains('\r') || line.contains('\0'))
        return fail(400, "CR or NUL inside a line");
    if (!m_haveRequestLine)
        return line.isEmpty() ? Result::NeedMore
                              : parseRequestLine(line); // RFC 9112 2.2: empty lines first are ignored
    if (line.isEmpty())
        return completeHead();
    return parseField(line);
}

LoopbackRequest::Result LoopbackRequest::parseRequestLine(QByteArrayView line)
{
    // RFC 9112 3: method SP request-target SP HTTP-version, single spaces.
    const qsizetype first = line.indexOf(' ');
    const qsizetype last = line.lastIndexOf(' ');
    if (first <= 0 || last <= first + 1)
        return fail(400, "not a request line");
    const QByteArrayView method = line.first(first);
    const QByteArrayView target = line.sliced(first + 1, last - first - 1);
    const QByteArrayView version = line.sliced(last + 1);
    if (!isVersion(version))
        return fail(400, "no HTTP version");
    if (version[5] != '1')
        return fail(505, "not HTTP/1.x");
    if (!isToken(method))
        return fail(400, "bad method");
    const QByteArray origin = target.startsWith('/') ? target.toByteArray() : originForm(target);
    if (origin.isEmpty() || !isTarget(target))
        return fail(400, "bad request target");
    m_haveRequestLine = true;
    m_http11 = version[7] != '0';
    m_method = method.toByteArray();
    m_target = origin;
    return Result::NeedMore;
}

LoopbackRequest::Result LoopbackRequest::parseField(QByteArrayView line)
{
    // RFC 9112 5.1, 5.2: no space before the colon, no obsolete line folding.
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0 || !isToken(line.first(colon)))
        return fail(400, "bad header field");
    const QByteArray name = line.first(colon).toByteArray().toLower();
    const QByteArrayView value = trimmed(line.sliced(colon + 1));
    if (name == "host") {
        ++m_hostFields;
    } else if (name == "transfer-encoding") {
        return fail(501, "Transfer-Encoding");
    } else if (name == "content-length") {
        // RFC 9112 6.3: only digits; several fields must agree.
        bool ok = value.size() <= 18 && !value.isEmpty();
        for (const char c : value)
            ok = ok && isDigit(c);
        const qint64 length = ok ? value.toLongLong(&ok) : -1;
        if (!ok || (m_haveContentLength && length != m_contentLength))
            return fail(400, "bad Content-Length");
        m_haveContentLength = true;
        m_contentLength = length;
    }
    return Result::NeedMore;
}

LoopbackRequest::Result LoopbackRequest::completeHead()
{
    // RFC 9112 3.2: an HTTP/1.1 request has exactly one Host field.
    if (m_http11 && m_hostFields != 1)
        return fail(400, "no single Host field");
    if (m_hostFields > 1)
        return fail(400, "several Host fields");
    const qsizetype question = m_target.indexOf('?');
    m_url.setPath(QString::fromLatin1(m_target.first(question < 0 ? m_target.size() : question)), QUrl::TolerantMode);
    if (question >= 0)
        m_url.setQuery(QString::fromLatin1(m_target.sliced(question + 1)), QUrl::TolerantMode);
    m_result = Result::Complete;
    return m_result;
}

LoopbackRequest::Result LoopbackRequest::fail(int status, const char *reason)
{
    m_result = Result::Error;
    m_errorStatus = status;
    m_errorReason = QString::fromLatin1(reason);
    return m_result;
}
