// base64url as JWS uses it: strict decoding, so only the one canonical
// encoding of some bytes decodes, and every byte string survives a round trip.
#include "Base64Url.h"
#include "FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzSupport::startApplication();
    const QByteArray input = FuzzSupport::bytes(data, size);
    if (const auto decoded = Base64Url::decode(input))
        FUZZ_EXPECT(Base64Url::encode(*decoded) == input);
    const auto again = Base64Url::decode(Base64Url::encode(input));
    FUZZ_EXPECT(again && *again == input);
    return 0;
}
