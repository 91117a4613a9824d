#include "ConnectionGuard.h"
#include "ServerLogging.h"

#include "ErrorCodes.h"
#include "Metrics.h"

#include "Protocol.h"

#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <limits>

namespace {

// How long a refused request's remaining bytes are read and dropped before
// the connection closes. Closing at once would make many clients (Qt's
// among them) report a reset instead of the answer while still sending.
constexpr int LingerMs = 2000;

// Written straight to the socket: the request never reaches the HTTP server.
void writeRefusal(QTcpSocket *socket, int status, const char *reason, const char *error, const QByteArray &description,
                  const QByteArray &extraHeaders = {})
{
    const QByteArray body = QByteArrayLiteral("{\"error\":\"") + error + "\",\"error_description\":\"" + description
        + "\"}";
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
                  + "\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nConnection: close\r\n"
                  + extraHeaders + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
}

// The values of the head's fields named `name` (lower case), each trimmed.
// Names are compared case-insensitively, as Qt's HTTP parser does; a field
// the parser would reject (a space before the colon) counts too, so that
// the guard never reads less into a head than the parser.
QByteArrayList fieldValues(const QByteArray &head, const QByteArray &name)
{
    QByteArrayList values;
    const QByteArrayList lines = head.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) { // lines.first() is the request line
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.first(colon).trimmed().toLower() == name)
            values.append(line.sliced(colon + 1).trimmed());
    }
    return values;
}

// Each refusal of a request has a status of its own.
Metrics::GuardRefusal refusalReason(int status)
{
    switch (status) {
    case 431:
        return Metrics::GuardRefusal::HeaderTooLarge;
    case 413:
        return Metrics::GuardRefusal::BodyTooLarge;
    case 411:
        return Metrics::GuardRefusal::TransferEncoding;
    case 408:
        return Metrics::GuardRefusal::Timeout;
    default:
        return Metrics::GuardRefusal::BadContentLength;
    }
}

// RFC 9112 6.3: 1*DIGIT, and below what any body limit could be.
bool isContentLength(const QByteArray &value)
{
    return !value.isEmpty() && value.size() <= 18
        && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

// Follows one connection's requests from the bytes that arrive: it sees
// them first (its readyRead slot is connected before the HTTP server's) and
// only peeks, so the HTTP server reads exactly what the client sent.
class ConnectionGuard::Watch : public QObject
{
public:
    Watch(QTcpSocket *socket, const Limits &limits, Metrics *metrics)
        : QObject(socket)
        , m_socket(socket)
        , m_limits(limits)
        , m_metrics(metrics)
    {
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &Watch::onTimeout);
        connect(socket, &QTcpSocket::readyRead, this, &Watch::onData);
        connect(socket, &QTcpSocket::bytesWritten, this, &Watch::onAnswered);
        m_timer.start(m_limits.headerTimeoutMs);
    }

private:
    enum class Phase { Idle, Headers, Body, Answering, Refused };

    void onData()
    {
        if (m_phase == Phase::Refused) {
            drop();
            return;
        }
        const QByteArray fresh = m_socket->peek(m_socket->bytesAvailable());
        qsizetype at = 0;
        while (at < fresh.size() && m_phase != Phase::Refused)
            at = consume(fresh, at);
    }

    // Reads what the current phase needs from `data` at `at`; returns where it stopped.
    qsizetype consume(const QByteArray &data, qsizetype at)
    {
        switch (m_phase) {
        case Phase::Idle:
        case Phase::Answering: // a pipelined request behind the one being answered
            startRequest();
            [[fallthrough]];
        case Phase::Headers:
            return readHeaders(data, at);
        case Phase::Body: {
            const qint64 take = std::min<qint64>(m_bodyLeft, data.size() - at);
            m_bodyLeft -= take;
            if (m_bodyLeft == 0)
                requestComplete();
            return at + take;
        }
        case Phase::Refused:
            break;
        }
        return data.size();
    }

    void startRequest()
    {
        m_head.clear();
        m_phase = Phase::Headers;
        m_timer.start(m_limits.headerTimeoutMs);
    }

    qsizetype readHeaders(const QByteArray &data, qsizetype at)
    {
        const qsizetype before = m_head.size();
        m_head += data.mid(at, m_limits.maxHeaderBytes + 4 - m_head.size());
        const qsizetype end = m_head.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_head.size() > m_limits.maxHeaderBytes)
                return refuseHeaders();
            return data.size();
        }
        const qsizetype used = end + 4 - before;
        m_head.truncate(end);
        if (m_head.size() > m_limits.maxHeaderBytes)
            return refuseHeaders();
        return startBody(at + used);
    }

    qsizetype refuseHeaders()
    {
        return refuse(431, "Request Header Fields Too Large", ErrorCode::InvalidRequest,
                      "The request line and headers are larger than "
                          + ConnectionGuard::sizeText(m_limits.maxHeaderBytes).toLatin1() + '.');
    }

    // The body's length must be the one Qt's HTTP parser will read: were the
    // guard to count a request complete that the parser still waits for (or
    // has given up on), nothing would watch the connection any more.
    qsizetype startBody(qsizetype at)
    {
        // No client of this server sends a body in chunks, and counting chunks
        // exactly as the parser does is where a guard goes wrong (issue 20).
        // RFC 9112 6.3 allows 411; 501, which 6.1 suggests for codings not
        // understood, would read as a server fault.
        if (!fieldValues(m_head, "transfer-encoding").isEmpty())
            return refuse(411, "Length Required", ErrorCode::InvalidRequest,
                          "Send the request body with Content-Length: transfer codings are not accepted.");
        const QByteArrayList lengths = fieldValues(m_head, "content-length");
        if (lengths.size() > 1 || (lengths.size() == 1 && !isContentLength(lengths.first())))
            return refuse(400, "Bad Request", ErrorCode::InvalidRequest,
                          "The request needs exactly one Content-Length, in digits.");
        const qint64 length = lengths.isEmpty() ? 0 : lengths.first().toLongLong();
        if (length > m_limits.maxBodyBytes)
            return refuse(413, "Payload Too Large", ErrorCode::InvalidRequest,
                          ConnectionGuard::bodyTooLarge(m_limits).toLatin1());
        m_bodyLeft = length;
        if (length == 0) {
            requestComplete();
            return at;
        }
        m_phase = Phase::Body;
        m_timer.start(m_limits.bodyTimeoutMs);
        return at;
    }

    void requestComplete()
    {
        m_phase = Phase::Answering;
        m_timer.stop(); // the server's turn: an upstream call may take its upstream-timeout
    }

    void onAnswered()
    {
        if (m_phase != Phase::Answering || m_socket->bytesToWrite() > 0)
            return;
        m_phase = Phase::Idle;
        m_timer.start(m_limits.idleTimeoutMs);
    }

    void onTimeout()
    {
        if (m_phase == Phase::Refused) {
            m_socket->disconnectFromHost();
            return;
        }
        if (m_phase == Phase::Idle) {
            m_socket->disconnectFromHost(); // a quiet keep-alive connection: no answer owed
            return;
        }
        if (m_phase == Phase::Headers || m_phase == Phase::Body)
            refuse(408, "Request Timeout", ErrorCode::InvalidRequest, "The request did not arrive in time.");
    }

    qsizetype refuse(int status, const char *reason, const char *error, const QByteArray &description)
    {
        qCInfo(lcGuard, "refused %s: %d %s", qPrintable(m_socket->peerAddress().toString()), status, reason);
        if (m_metrics)
            m_metrics->countGuardRefusal(refusalReason(status));
        m_phase = Phase::Refused;
        writeRefusal(m_socket, status, reason, error, description);
        drop();
        m_timer.start(LingerMs);
        return std::numeric_limits<qsizetype>::max();
    }

    // Nothing more reaches the HTTP server, and nothing is kept: Qt 6.4's
    // HTTP server reads inside a socket transaction, which would otherwise
    // hold every byte read until the request completes.
    void drop()
    {
        m_socket->read(m_socket->bytesAvailable());
        if (m_socket->isTransactionStarted())
            m_socket->commitTransaction();
    }

    QTcpSocket *m_socket;
    const Limits m_limits;
    Metrics *m_metrics;
    QTimer m_timer;
    Phase m_phase = Phase::Idle;
    QByteArray m_head;
    qint64 m_bodyLeft = 0;
};

QString ConnectionGuard::sizeText(qint64 bytes)
{
    if (bytes % (1024 * 1024) == 0)
        return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
    if (bytes % 1024 == 0)
        return QStringLiteral("%1 KiB").arg(bytes / 1024);
    return QStringLiteral("%1 bytes").arg(bytes);
}

QString ConnectionGuard::bodyTooLarge(const Limits &limits)
{
    return QStringLiteral("The request body is larger than %1.").arg(sizeText(limits.maxBodyBytes));
}

ConnectionGuard::ConnectionGuard(const Limits &limits, const TrustedProxies &proxies,
                                 std::shared_ptr<ConnectionCounter> counter, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_proxies(proxies)
    , m_counter(std::move(counter))
{
}

void ConnectionGuard::incomingConnection(qintptr descriptor)
{
    reserve();
    take(descriptor);
}

void ConnectionGuard::take(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    connect(socket, &QObject::destroyed, socket, [load = m_load] { load->fetch_sub(1, std::memory_order_relaxed); });
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    const QHostAddress address = socket->peerAddress();
    // A proxy's connections are its clients': only the server-wide cap applies.
    const QString key = m_proxies.contains(address) ? QString() : TrustedProxies::key(address);
    if (const auto admission = m_counter->admit(key); admission != ConnectionCounter::Admission::Admitted) {
        refuse(socket, admission);
        return;
    }
    // A backstop under the guard's own checks: the socket never buffers more
    // than one largest allowed request (headers and body) and some slack.
    socket->setReadBufferSize(m_limits.maxHeaderBytes + m_limits.maxBodyBytes + 32 * 1024);
    connect(socket, &QObject::destroyed, socket, [counter = m_counter, key] { counter->release(key); });
    new Watch(socket, m_limits, m_metrics);
    addPendingConnection(socket);
}

void ConnectionGuard::refuse(QTcpSocket *socket, ConnectionCounter::Admission admission)
{
    const bool full = admission == ConnectionCounter::Admission::ServerFull;
    qCInfo(lcGuard, "refused a connection from %s: %s", qPrintable(socket->peerAddress().toString()),
           full ? "the server is at its connection limit" : "too many open connections from this address");
    if (m_metrics)
        m_metrics->countGuardRefusal(full ? Metrics::GuardRefusal::ServerFull : Metrics::GuardRefusal::PerAddress);
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    writeRefusal(socket, full ? 503 : 429, full ? "Service Unavailable" : "Too Many Requests",
                 ErrorCode::TemporarilyUnavailable,
                 full ? "The server is busy. Try again shortly." : "Too many open connections from your address.",
                 "Retry-After: 5\r\n");
    socket->disconnectFromHost();
}
