#include "ClientError.h"

#include <QJsonDocument>
#include <QMetaEnum>

namespace {
// Longer than any description a person reads; a bound for what a server sends.
constexpr int MaxDescriptionLength = 400;
constexpr int MaxErrorNameLength = 64;
} // namespace

QString ClientError::codeName() const
{
    return QString::fromLatin1(QMetaEnum::fromType<Code>().valueToKey(int(code)));
}

ClientError ClientError::make(Code code, const QString &detail)
{
    ClientError error;
    error.code = code;
    error.detail = detail;
    return error;
}

QString ClientError::boundedDescription(const QString &description)
{
    QString line = description.simplified();
    if (line.size() > MaxDescriptionLength)
        line = line.left(MaxDescriptionLength - 1) + QChar(0x2026);
    return line;
}

ClientError ClientError::fromHttp(int status, const QByteArray &body, const QByteArray &retryAfter)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    ClientError error;
    error.httpStatus = status;
    error.body = json;
    error.serverError = json.value(QLatin1String("error")).toString().left(MaxErrorNameLength);
    error.serverDescription = boundedDescription(json.value(QLatin1String("error_description")).toString());
    if (status == 429) {
        error.code = Code::RateLimited;
        error.retryAfter = qMax(1, retryAfter.toInt());
    } else if (status >= 500) {
        error.code = Code::ServerFailure;
    } else if (!error.serverError.isEmpty()) {
        error.code = Code::ServerRefused;
    } else {
        error.code = Code::InvalidResponse;
    }
    error.detail = QStringLiteral("HTTP %1").arg(status);
    return error;
}
