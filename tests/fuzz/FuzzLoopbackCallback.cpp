// The loopback receiver (RFC 8252) answering the browser's GET /callback?<query>
// over a real socket: the input is the query, as the fuzzer wrote it (only
// bytes that would end the request line are percent-encoded). The receiver
// waits for state "fuzz-state" from issuer https://login.example.org. It
// always answers, and what it keeps is within its bounds.
#include "FuzzSupport.h"
#include "LoopbackReceiver.h"

namespace {

const QString State = QStringLiteral("fuzz-state");
const QString Issuer = QStringLiteral("https://login.example.org");

LoopbackReceiver &receiver()
{
    static auto *receiver = new LoopbackReceiver; // one for the run, as in the app
    return *receiver;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzSupport::startApplication();
    LoopbackReceiver &r = receiver();
    FUZZ_EXPECT(r.listen());
    r.expect(State, Issuer);
    bool finished = false;
    const auto connection = QObject::connect(&r, &LoopbackReceiver::finished, [&finished] { finished = true; });
    const QByteArray request = "GET /callback?" + FuzzSupport::escapeForRequestLine(FuzzSupport::bytes(data, size))
        + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(r.port()) + "\r\n\r\n";
    const FuzzSupport::HttpAnswer answer = FuzzSupport::exchange(r.port(), request);
    QObject::disconnect(connection);
    FUZZ_EXPECT(answer.status == 200 || answer.status == 400);
    FUZZ_EXPECT(answer.headers.contains("Content-Security-Policy"));
    if (finished) {
        FUZZ_EXPECT(!r.isListening());
        const ClientError &error = r.error();
        if (error.ok())
            FUZZ_EXPECT(!r.code().isEmpty());
        FUZZ_EXPECT(error.code != ClientError::Code::Cancelled && error.code != ClientError::Code::CouldNotListen);
        FUZZ_EXPECT(error.serverDescription.size() <= 400 && !error.serverDescription.contains(QLatin1Char('\n')));
        FUZZ_EXPECT(error.serverError.size() <= 64);
    }
    return 0;
}
