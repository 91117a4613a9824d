// The loopback receiver's reader of request heads (LoopbackRequest), alone:
// the bytes a local process could send on the redirect port. The first byte
// says in what pieces they arrive; the outcome must not depend on it, nor
// may the reader ever hold more than its bound.
#include "FuzzSupport.h"
#include "LoopbackRequest.h"

namespace {

bool sameOutcome(const LoopbackRequest &a, const LoopbackRequest &b)
{
    return a.result() == b.result() && a.method() == b.method() && a.target() == b.target()
        && a.contentLength() == b.contentLength() && a.errorStatus() == b.errorStatus();
}

void checkOutcome(const LoopbackRequest &request, qsizetype inputSize)
{
    FUZZ_EXPECT(request.heldBytes() <= LoopbackRequest::MaxHeadBytes);
    switch (request.result()) {
    case LoopbackRequest::Result::NeedMore:
        FUZZ_EXPECT(inputSize < LoopbackRequest::MaxHeadBytes && request.room() > 0);
        break;
    case LoopbackRequest::Result::Complete:
        FUZZ_EXPECT(request.target().startsWith('/') && request.url().path().startsWith(QLatin1Char('/')));
        FUZZ_EXPECT(!request.method().isEmpty() && !request.method().contains(' '));
        FUZZ_EXPECT(request.contentLength() >= 0 && request.errorStatus() == 0 && request.room() == 0);
        break;
    case LoopbackRequest::Result::Error:
        FUZZ_EXPECT(QList<int>({400, 414, 431, 501, 505}).contains(request.errorStatus()));
        FUZZ_EXPECT(!request.errorReason().isEmpty() && request.room() == 0);
        break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzSupport::startApplication();
    if (size == 0)
        return 0;
    const qsizetype piece = data[0] % 32 + 1;
    const QByteArray input = FuzzSupport::bytes(data + 1, size - 1);
    LoopbackRequest whole;
    whole.feed(input);
    checkOutcome(whole, input.size());
    LoopbackRequest pieces;
    for (qsizetype at = 0; at < input.size() && pieces.result() == LoopbackRequest::Result::NeedMore; at += piece) {
        pieces.feed(QByteArrayView(input).sliced(at, qMin(piece, input.size() - at)));
        FUZZ_EXPECT(pieces.heldBytes() <= LoopbackRequest::MaxHeadBytes);
    }
    checkOutcome(pieces, input.size());
    FUZZ_EXPECT(sameOutcome(whole, pieces));
    return 0;
}
