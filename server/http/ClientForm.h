#pragma once

#include "ClientRegistry.h"
#include "ErrorCodes.h"
#include "FormData.h"
#include "Result.h"

#include <QHash>
#include <QHttpServerRequest>

// The form body of a public client's POST (the token endpoint, RFC 6749 3.2;
// the device authorization endpoint, RFC 8628 3.1): form-encoded, each
// parameter once, a known client_id and no client secret.
namespace ClientForm {

inline Result<QHash<QString, QString>> of(const QHttpServerRequest &request, const ClientRegistry &clients)
{
    if (!FormData::isFormContentType(request.value(QByteArrayLiteral("Content-Type"))))
        return ServerError::invalidRequest(QStringLiteral("The body must be application/x-www-form-urlencoded."));
    QString duplicate;
    const auto fields = FormData::parse(request.body(), &duplicate);
    if (!fields)
        return ServerError::invalidRequest(QStringLiteral("The parameter %1 was sent more than once.").arg(duplicate));
    const QString clientId = fields->value(QStringLiteral("client_id"));
    if (clientId.isEmpty())
        return ServerError::invalidRequest(QStringLiteral("client_id is missing."));
    if (!clients.isKnown(clientId) || fields->contains(QStringLiteral("client_secret")))
        return ServerError{ErrorCode::InvalidClient, QStringLiteral("Unknown client."), 401};
    return *fields;
}

} // namespace ClientForm
