#include "ServerError.h"

#include "ErrorCodes.h"

ServerError ServerError::invalidRequest(const QString &description)
{
    return {ErrorCode::InvalidRequest, description, 400, {}, 0};
}

ServerError ServerError::invalidGrant(const QString &description)
{
    return {ErrorCode::InvalidGrant, description, 400, {}, 0};
}

ServerError ServerError::unavailable(const QString &description, int retryAfter)
{
    return {ErrorCode::TemporarilyUnavailable, description, 503, {}, retryAfter};
}

ServerError ServerError::invalidToken(const QString &description)
{
    return {ErrorCode::InvalidToken, description, 401, {}, 0};
}

ServerError ServerError::slowDown(int retryAfter)
{
    return {ErrorCode::SlowDown,
            QStringLiteral("Too many attempts; try again in %1 seconds.").arg(retryAfter),
            429,
            {},
            retryAfter};
}

ServerError ServerError::startup(const QString &description)
{
    return {ErrorCode::ServerError, description, 500, {}, 0};
}

ServerError &ServerError::with(const QString &member, const QJsonValue &value)
{
    extra.insert(member, value);
    return *this;
}

bool ServerError::isUnavailable() const
{
    return code == ErrorCode::TemporarilyUnavailable;
}
