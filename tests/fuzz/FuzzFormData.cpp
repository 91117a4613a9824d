// application/x-www-form-urlencoded as the server reads /token, /revoke and
// the sign-in forms: whatever parses, re-encoded by the client's encoder,
// parses back to the same fields.
#include "FormData.h"
#include "FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzSupport::startApplication();
    const QByteArray input = FuzzSupport::bytes(data, size);
    FormData::isFormContentType(input);
    QString duplicate;
    const auto fields = FormData::parse(input, &duplicate);
    if (!fields)
        return 0;
    QList<std::pair<QString, QString>> list;
    for (auto it = fields->cbegin(); it != fields->cend(); ++it)
        list.append({it.key(), it.value()});
    const auto again = FormData::parse(FormData::encode(list), &duplicate);
    FUZZ_EXPECT(again && *again == *fields);
    return 0;
}
