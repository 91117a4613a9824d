#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QUrl>

// The head of one HTTP/1.x request (RFC 9112) as it arrives at the loopback
// receiver, from bytes that may come from anyone on this computer: fed in
// pieces, it holds at most MaxHeadBytes of them and says when the request
// line and header fields are complete, or what is wrong with them as an HTTP
// status. A request body is never read: contentLength() lets the caller
// refuse one unread.
class LoopbackRequest
{
public:
    enum class Result { NeedMore, Complete, Error };

    // Request line and header fields together, line ends included.
    static constexpr qsizetype MaxHeadBytes = 8 * 1024;

    // Takes what fits of `bytes` (the rest is left to the caller, unread) and
    // parses as far as it can. Once Complete or Error, further bytes are ignored.
    Result feed(QByteArrayView bytes);

    Result result() const { return m_result; }
    qsizetype heldBytes() const { return m_buffer.size(); }
    // How many more bytes feed() would take.
    qsizetype room() const { return m_result == Result::NeedMore ? MaxHeadBytes - m_buffer.size() : 0; }

    // Complete: the method token as sent (case matters, RFC 9110 9.1).
    QByteArray method() const { return m_method; }
    // Complete: the target in origin-form (an absolute-form one's path and
    // query, RFC 9112 3.2.2), always starting with '/'.
    QByteArray target() const { return m_target; }
    // Complete: the target's path and query, as QUrl reads them.
    QUrl url() const { return m_url; }
    // Complete: the Content-Length field, 0 when there is none.
    qint64 contentLength() const { return m_contentLength; }

    // Error: 400, 414, 431, 501 or 505.
    int errorStatus() const { return m_errorStatus; }
    // Error: what was wrong, for the log; never a byte of the request.
    QString errorReason() const { return m_errorReason; }

private:
    Result parseLine(QByteArrayView line);
    Result parseRequestLine(QByteArrayView line);
    Result parseField(QByteArrayView line);
    Result completeHead();
    Result fail(int status, const char *reason);

    QByteArray m_buffer;
    qsizetype m_lineStart = 0;
    Result m_result = Result::NeedMore;
    bool m_haveRequestLine = false;
    bool m_http11 = false;
    int m_hostFields = 0;
    bool m_haveContentLength = false;
    QByteArray m_method;
    QByteArray m_target;
    QUrl m_url;
    qint64 m_contentLength = 0;
    int m_errorStatus = 0;
    QString m_errorReason;
};
