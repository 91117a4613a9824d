#pragma once

#include <QByteArray>
#include <optional>

// base64url without padding (RFC 7515 section 2), strict on input: anything
// outside the alphabet, padding, or an impossible length is rejected rather
// than silently skipped, so two different strings never decode the same.
class Base64Url
{
public:
    static QByteArray encode(const QByteArray &data);
    static std::optional<QByteArray> decode(QByteArrayView text);
};
