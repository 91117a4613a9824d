#pragma once

#include <QHttpServerResponse>
#include <QJsonObject>
#include <QUrl>

// Builds the server's responses, so every JSON error has the shape of
// PROTOCOL.md and every response carries the same safety headers.
class Reply
{
public:
    using Status = QHttpServerResponse::StatusCode;

    static QHttpServerResponse json(const QJsonObject &body, Status status = Status::Ok);
    // {"error": code, "error_description": description, ...extra}
    static QHttpServerResponse error(Status status, const QString &code, const QString &description,
                                     const QJsonObject &extra = {});
    // 503 temporarily_unavailable with Retry-After: nothing was done, and the
    // same request may succeed later (the database could not be written).
    static QHttpServerResponse unavailable(const QString &description);
    // `returnTo`: where the page's forms end up after the server redirects
    // (a client's loopback redirect URI); without it forms may only post here.
    static QHttpServerResponse html(const QString &page, Status status = Status::Ok, const QUrl &returnTo = {});
    static QHttpServerResponse redirect(const QUrl &location);
    static QHttpServerResponse bytes(const QByteArray &mimeType, const QByteArray &body, Status status = Status::Ok);
};
