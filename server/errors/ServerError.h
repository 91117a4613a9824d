#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

// The one error type of the server's layers: stores, upstream clients and
// endpoints return it, and only Reply (JSON) or the sign-in's redirect turn it
// into an answer. `code` is one of ErrorCode (core/protocol), `description`
// the human text PROTOCOL.md puts into error_description, `status` the HTTP
// status it is answered with.
struct ServerError
{
    ServerError(QByteArray errorCode = {}, QString text = {}, int httpStatus = 400, QJsonObject members = {},
                int retryAfterSeconds = 0)
        : code(std::move(errorCode))
        , description(std::move(text))
        , status(httpStatus)
        , extra(std::move(members))
        , retryAfter(retryAfterSeconds)
    {
    }

    QByteArray code;
    QString description;
    int status = 400;
    // More members of the JSON error body (PROTOCOL.md 6.4: reason, suggestions, ...).
    QJsonObject extra;
    // Seconds for a Retry-After header; 0: none.
    int retryAfter = 0;
    // What the server's log says of it, when more than the description; never sent.
    QString logDetail;
    // Finer than `code` where the metrics tell kinds apart (UpstreamError's); never sent.
    QByteArray kind;
    // A 401 for a request that carried no token: the challenge names no error (RFC 6750 3.1).
    bool bareChallenge = false;

    // 400 invalid_request.
    static ServerError invalidRequest(const QString &description);
    // 400 invalid_grant.
    static ServerError invalidGrant(const QString &description);
    // 503 temporarily_unavailable with Retry-After: nothing was done (the
    // database could not be written or read), and the same request may succeed later.
    static ServerError unavailable(const QString &description, int retryAfter = 5);
    // 401 invalid_token.
    static ServerError invalidToken(const QString &description);
    // 429 slow_down with Retry-After.
    static ServerError slowDown(int retryAfter);
    // 500 server_error: the server cannot start (configuration, database,
    // keys); the description is what latchkey-server prints before it exits.
    static ServerError startup(const QString &description);

    ServerError &with(const QString &member, const QJsonValue &value);
    bool isUnavailable() const;
};
