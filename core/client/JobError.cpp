#include "JobError.h"

#include <QJsonDocument>

JobError JobError::make(Code code, const QString &message)
{
    JobError error;
    error.code = code;
    error.message = message;
    return error;
}

JobError JobError::fromHttp(int status, const QByteArray &body, const QByteArray &retryAfter)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    JobError error;
    error.httpStatus = status;
    error.details = json;
    error.protocolError = json.value(QLatin1String("error")).toString();
    const QString description = json.value(QLatin1String("error_description")).toString();
    if (status == 429) {
        error.code = Code::RateLimited;
        error.retryAfter = qMax(1, retryAfter.toInt());
        error.message = tr("Too many attempts. Try again in %n second(s).", nullptr, error.retryAfter);
    } else if (status >= 500) {
        error.code = Code::ServerFailure;
        error.message = tr("The sign-in server has a problem (HTTP %1). Try again later.").arg(status);
    } else if (!error.protocolError.isEmpty()) {
        error.code = Code::Protocol;
        error.message = description.isEmpty() ? tr("The server refused the request (%1).").arg(error.protocolError)
                                              : description;
    } else {
        error.code = Code::InvalidResponse;
        error.message = tr("The server answered HTTP %1 without an explanation.").arg(status);
    }
    return error;
}
