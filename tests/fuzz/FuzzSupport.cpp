#include "FuzzSupport.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTcpSocket>
#include <QTimer>

#include <cstdio>
#include <cstdlib>

namespace FuzzSupport {

void startApplication()
{
    if (QCoreApplication::instance())
        return;
    // Only fatal messages get out: the code under test logs every refused input.
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &, const QString &message) {
        if (type == QtFatalMsg)
            std::fprintf(stderr, "%s\n", qPrintable(message));
    });
    static int argc = 1;
    static char name[] = "latchkey-fuzz";
    static char *argv[] = {name, nullptr};
    new QCoreApplication(argc, argv); // lives as long as the process
}

void failed(const char *condition, const char *file, int line)
{
    std::fprintf(stderr, "FUZZ_EXPECT failed: %s (%s:%d)\n", condition, file, line);
    std::abort();
}

namespace {

// True once the answer is complete (its Content-Length received); fills *answer then.
bool parseAnswer(const QByteArray &received, HttpAnswer *answer)
{
    const qsizetype end = received.indexOf("\r\n\r\n");
    if (end < 0 || !received.startsWith("HTTP/1."))
        return false;
    const QByteArray head = received.first(end);
    qsizetype length = 0;
    for (const QByteArray &line : head.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (trimmed.toLower().startsWith("content-length:"))
            length = trimmed.mid(15).trimmed().toLongLong();
    }
    if (received.size() < end + 4 + length)
        return false;
    answer->status = head.mid(9, 3).toInt();
    answer->headers = head;
    answer->body = received.sliced(end + 4, length);
    return true;
}

} // namespace

HttpAnswer exchange(quint16 port, const QByteArray &request, int timeoutMs)
{
    HttpAnswer answer;
    QTcpSocket socket;
    QByteArray received;
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] { socket.write(request); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        received += socket.readAll();
        if (parseAnswer(received, &answer))
            loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    socket.connectToHost(QHostAddress::LocalHost, port);
    loop.exec();
    socket.abort();
    return answer;
}

QByteArray escapeForRequestLine(const QByteArray &raw)
{
    QByteArray out;
    out.reserve(raw.size());
    for (const char c : raw) {
        const auto byte = static_cast<unsigned char>(c);
        // RFC 3986's unreserved and reserved characters and '%' pass; '#'
        // would end the query, the rest would end or break the request line.
        static const QByteArray passes = QByteArrayLiteral("-._~!$&'()*+,;=:@/?%");
        const bool alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alphanumeric && !passes.contains(c)) {
            out += '%';
            out += QByteArray::number(byte, 16).rightJustified(2, '0').toUpper();
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace FuzzSupport
