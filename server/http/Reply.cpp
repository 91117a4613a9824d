#include "Reply.h"

#include <QJsonDocument>

namespace {
void addCommonHeaders(QHttpServerResponse &response)
{
    response.addHeader(QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff"));
    response.addHeader(QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("no-referrer"));
}

// The CSP source that lets a form's redirect reach `target`. Browsers check
// form-action on redirects too, so the client's loopback port must be named.
// CSP has no syntax for an IPv6 literal (Chromium drops "http://[::1]:*" as
// invalid), so a [::1] redirect can only be allowed by its scheme.
QByteArray formActionSource(const QUrl &target)
{
    if (!target.isValid() || target.host().isEmpty())
        return {};
    if (target.host().contains(QLatin1Char(':')))
        return target.scheme().toLatin1() + ':';
    return target.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo).toEncoded();
}

// RFC 6750 3: a request without a token gets the realm alone; a rejected
// token also the error (quotes and backslashes dropped, so the header stays one quoted-string).
QByteArray challenge(const ServerError &error)
{
    QByteArray header = QByteArrayLiteral("Bearer realm=\"latchkey\"");
    if (error.bareChallenge)
        return header;
    QByteArray description = error.description.toUtf8();
    description.replace('"', "").replace('\\', "");
    return header + ", error=\"" + error.code + "\", error_description=\"" + description + '"';
}

void addNoStore(QHttpServerResponse &response)
{
    response.addHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store"));
    response.addHeader(QByteArrayLiteral("Pragma"), QByteArrayLiteral("no-cache"));
}
} // namespace

QHttpServerResponse Reply::json(const QJsonObject &body, Status status)
{
    QHttpServerResponse response(QByteArrayLiteral("application/json"),
                                 QJsonDocument(body).toJson(QJsonDocument::Compact), status);
    addCommonHeaders(response);
    addNoStore(response);
    return response;
}

QHttpServerResponse Reply::error(const ServerError &error)
{
    QJsonObject body = error.extra;
    body.insert(QLatin1String("error"), QString::fromLatin1(error.code));
    body.insert(QLatin1String("error_description"), error.description);
    QHttpServerResponse response = json(body, Status(error.status));
    if (error.retryAfter > 0)
        response.addHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(error.retryAfter));
    if (error.status == int(Status::Unauthorized))
        response.addHeader(QByteArrayLiteral("WWW-Authenticate"), challenge(error));
    return response;
}

QHttpServerResponse Reply::from(const Result<QJsonObject> &result, Status success)
{
    return result ? json(*result, success) : error(result.error());
}

QHttpServerResponse Reply::html(const QString &page, Status status, const QUrl &returnTo)
{
    QHttpServerResponse response(QByteArrayLiteral("text/html; charset=utf-8"), page.toUtf8(), status);
    addCommonHeaders(response);
    addNoStore(response);
    // Pages are plain HTML: no scripts, no framing, resources from here only.
    QByteArray formAction = QByteArrayLiteral("form-action 'self'");
    if (const QByteArray source = formActionSource(returnTo); !source.isEmpty())
        formAction += ' ' + source;
    response.addHeader(QByteArrayLiteral("Content-Security-Policy"),
                       QByteArrayLiteral("default-src 'self'; script-src 'none'; frame-ancestors 'none'; ")
                           + formAction);
    response.addHeader(QByteArrayLiteral("X-Frame-Options"), QByteArrayLiteral("DENY"));
    return response;
}

QHttpServerResponse Reply::redirect(const QUrl &location)
{
    QHttpServerResponse response(Status::Found);
    addCommonHeaders(response);
    addNoStore(response);
    response.addHeader(QByteArrayLiteral("Location"), location.toEncoded());
    return response;
}

QHttpServerResponse Reply::bytes(const QByteArray &mimeType, const QByteArray &body, Status status)
{
    QHttpServerResponse response(mimeType, body, status);
    addCommonHeaders(response);
    return response;
}
