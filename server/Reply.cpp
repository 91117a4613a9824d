#include "Reply.h"

#include <QJsonDocument>

namespace {
void addCommonHeaders(QHttpServerResponse &response)
{
    response.addHeader(QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff"));
    response.addHeader(QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("no-referrer"));
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

QHttpServerResponse Reply::error(Status status, const QString &code, const QString &description,
                                 const QJsonObject &extra)
{
    QJsonObject body = extra;
    body.insert(QLatin1String("error"), code);
    body.insert(QLatin1String("error_description"), description);
    return json(body, status);
}

QHttpServerResponse Reply::html(const QString &page, Status status)
{
    QHttpServerResponse response(QByteArrayLiteral("text/html; charset=utf-8"), page.toUtf8(), status);
    addCommonHeaders(response);
    addNoStore(response);
    // Pages are plain HTML: no scripts, no framing, resources from here only.
    response.addHeader(QByteArrayLiteral("Content-Security-Policy"),
                       QByteArrayLiteral("default-src 'self'; script-src 'none'; frame-ancestors 'none'; "
                                         "form-action 'self' http://127.0.0.1:* http://[::1]:*"));
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
