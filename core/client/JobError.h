#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QObject>
#include <QString>

// What went wrong in a network job, as a value: a code the UI can switch on,
// the protocol's own error name when the server sent one, and a message a
// person can read.
class JobError
{
    Q_GADGET
    Q_DECLARE_TR_FUNCTIONS(JobError)
public:
    enum class Code {
        None,
        Network,          // no connection, refused, DNS
        Timeout,
        Cancelled,
        ServerFailure,    // 5xx
        InvalidResponse,  // not the JSON the protocol promises
        Protocol,         // the server answered with a protocol error (see protocolError)
        IssuerMismatch,
        Unsupported,      // the provider lacks something we require
        RateLimited,
    };
    Q_ENUM(Code)

    Code code = Code::None;
    QString message;       // for people
    QString protocolError; // e.g. "invalid_grant", "username_taken"
    int httpStatus = 0;
    QJsonObject details;   // the error body, for fields such as "suggestions"
    int retryAfter = 0;    // seconds, when rate limited

    bool ok() const { return code == Code::None; }

    static JobError make(Code code, const QString &message);
    // From an HTTP error answer with a PROTOCOL.md / RFC 6749 JSON body.
    static JobError fromHttp(int status, const QByteArray &body, const QByteArray &retryAfter);
};
