#pragma once

#include "Result.h"

#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>

#include <initializer_list>
#include <optional>

// The JSON object of a request body (the onboard and link-request calls,
// PROTOCOL.md 6.4 and 6.5), and the string fields it must carry.
namespace JsonBody {

inline Result<QJsonObject> of(const QHttpServerRequest &request)
{
    const QByteArray type = request.value(QByteArrayLiteral("Content-Type")).split(';').value(0).trimmed().toLower();
    if (type != "application/json")
        return ServerError::invalidRequest(QStringLiteral("The body must be application/json."));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return ServerError::invalidRequest(QStringLiteral("The body is not a JSON object."));
    return doc.object();
}

// invalid_request naming the first of `names` that is not a non-empty string.
inline std::optional<ServerError> missing(const QJsonObject &body, std::initializer_list<const char *> names)
{
    for (const char *name : names) {
        const QJsonValue value = body.value(QLatin1String(name));
        if (!value.isString() || value.toString().isEmpty())
            return ServerError::invalidRequest(QStringLiteral("%1 is missing.").arg(QLatin1String(name)));
    }
    return std::nullopt;
}

} // namespace JsonBody
