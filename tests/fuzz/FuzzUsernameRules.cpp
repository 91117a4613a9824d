// The username rules of PROTOCOL.md 6.2 on any text: the check, the reason
// codes, what the client does while the person types, and usernames derived
// from free text (a display name, an email's local part), which the server
// suggests and must therefore pass the rules themselves.
#include "FuzzSupport.h"
#include "UsernameRules.h"

using Reason = UsernameRules::Reason;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzSupport::startApplication();
    const QString text = QString::fromUtf8(FuzzSupport::bytes(data, size));
    const Reason reason = UsernameRules::check(text);
    FUZZ_EXPECT(UsernameRules::reasonFromCode(UsernameRules::reasonCode(reason)) == reason);
    FUZZ_EXPECT(UsernameRules::isValid(text) == (reason == Reason::Ok));
    const QString typed = UsernameRules::normalizeInput(text);
    FUZZ_EXPECT(typed.size() == text.size());
    UsernameRules::check(typed);
    const QString derived = UsernameRules::fromFreeText(text);
    if (!derived.isEmpty()) {
        const Reason derivedReason = UsernameRules::check(derived);
        FUZZ_EXPECT(derivedReason == Reason::Ok || derivedReason == Reason::Reserved);
    }
    return 0;
}
