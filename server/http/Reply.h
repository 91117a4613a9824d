#pragma once

#include "Result.h"

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
    // The one place a ServerError becomes an answer: {"error": code,
    // "error_description": description, ...extra} with its status, Retry-After
    // when it has one, and RFC 6750's WWW-Authenticate challenge on a 401.
    static QHttpServerResponse error(const ServerError &error);
    // The JSON body with `success`, or the error.
    static QHttpServerResponse from(const Result<QJsonObject> &result, Status success = Status::Ok);
    // `returnTo`: where the page's forms end up after the server redirects
    // (a client's loopback redirect URI); without it forms may only post here.
    static QHttpServerResponse html(const QString &page, Status status = Status::Ok, const QUrl &returnTo = {});
    static QHttpServerResponse redirect(const QUrl &location);
    static QHttpServerResponse bytes(const QByteArray &mimeType, const QByteArray &body, Status status = Status::Ok);
};
