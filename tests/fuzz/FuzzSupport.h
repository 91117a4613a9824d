#pragma once

#include <QByteArray>

#include <cstddef>
#include <cstdint>

// What the libFuzzer harnesses share: one QCoreApplication for the whole run,
// no log output (it would drown libFuzzer's own), a check that counts as a
// crash, and raw HTTP/1.1 exchanges with an in-process server.
namespace FuzzSupport {

// Idempotent; every harness calls it first.
void startApplication();

inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

// Prints what broke and aborts, which libFuzzer reports as a crash with the input.
[[noreturn]] void failed(const char *condition, const char *file, int line);

struct HttpAnswer
{
    int status = 0; // 0: no complete answer
    QByteArray headers;
    QByteArray body;
};

// Sends `request` as it is to 127.0.0.1:port on a new connection and reads
// one answer, spinning the event loop meanwhile (the server lives in this
// thread). Gives up after `timeoutMs`.
HttpAnswer exchange(quint16 port, const QByteArray &request, int timeoutMs = 10000);

// The request target's bytes as they go on the wire: what would end or break
// the request line (space, CR, LF, controls, non-ASCII, '#', '"', '<', ...) is
// percent-encoded; RFC 3986's characters (%, &, =, + included) stay as the
// fuzzer made them.
QByteArray escapeForRequestLine(const QByteArray &raw);

} // namespace FuzzSupport

#define FUZZ_EXPECT(condition) ((condition) ? void(0) : FuzzSupport::failed(#condition, __FILE__, __LINE__))
