#pragma once

#include <QByteArray>
#include <QHttpServerRequest>

// The token of an `Authorization: Bearer <token>` header (RFC 6750 2.1, the
// scheme in any case); empty when there is none.
namespace BearerToken {

inline QByteArray of(const QHttpServerRequest &request)
{
    const QByteArray header = request.value(QByteArrayLiteral("Authorization")).trimmed();
    return header.toLower().startsWith("bearer ") ? header.mid(7).trimmed() : QByteArray();
}

} // namespace BearerToken
