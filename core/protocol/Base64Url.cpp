#include "Base64Url.h"

namespace {
bool isAlphabet(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
} // namespace

QByteArray Base64Url::encode(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

std::optional<QByteArray> Base64Url::decode(QByteArrayView text)
{
    if (text.size() % 4 == 1)
        return std::nullopt;
    for (char c : text) {
        if (!isAlphabet(c))
            return std::nullopt;
    }
    auto result = QByteArray::fromBase64Encoding(text.toByteArray(),
                                                 QByteArray::Base64UrlEncoding
                                                     | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    // Reject non-canonical encodings (stray bits in the last character).
    if (encode(result.decoded) != text)
        return std::nullopt;
    return result.decoded;
}
