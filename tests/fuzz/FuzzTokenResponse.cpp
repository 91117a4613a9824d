// The client reading a token endpoint's answer (PROTOCOL.md 5.1): any JSON a
// server sends is classified or refused with a reason, and what it accepts
// is safe for the arithmetic the client then does with it (SessionManager:
// the access token's expiry is now + expires_in, in seconds and milliseconds).
#include "FuzzSupport.h"
#include "TokenResponse.h"
#include "TokenValidator.h"

#include <QJsonDocument>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzSupport::startApplication();
    const QJsonDocument doc = QJsonDocument::fromJson(FuzzSupport::bytes(data, size));
    TokenResponse response;
    QString problem;
    const bool ok = TokenResponse::fromJson(doc.object(), &response, &problem);
    FUZZ_EXPECT(ok == problem.isEmpty());
    if (!ok)
        return 0;
    if (response.kind == TokenResponse::Kind::OnboardingRequired)
        FUZZ_EXPECT(!response.onboardingToken.isEmpty());
    else
        FUZZ_EXPECT(!response.accessToken.isEmpty());
    FUZZ_EXPECT(response.expiresIn >= TokenResponse::MinExpiresIn && response.expiresIn <= TokenResponse::MaxExpiresIn);
    const qint64 now = TokenValidator::systemTime();
    FUZZ_EXPECT(now + response.expiresIn >= now); // overflows (UBSan) unless bounded
    return 0;
}
