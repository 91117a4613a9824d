#pragma once

#include "UpstreamProfile.h"

#include <QString>

// How one step with an upstream provider ended. PROTOCOL.md section 4 turns
// each kind into the error the app receives; `description` is the sentence
// a person reads there, `logDetail` what the server log says.
struct UpstreamOutcome
{
    enum class Kind {
        Ok,
        Cancelled,   // the person cancelled at the provider: access_denied
        Refused,     // the provider answered with an error of its own: server_error
        Unavailable, // unreachable, too slow or 5xx: temporarily_unavailable
        Invalid,     // an answer that fails a check (ID token, state, shape): server_error
    };

    Kind kind = Kind::Ok;
    QString description;
    QString logDetail;
    UpstreamProfile profile;

    bool ok() const { return kind == Kind::Ok; }
    static UpstreamOutcome failure(Kind kind, const QString &description, const QString &logDetail = {})
    {
        return {kind, description, logDetail, {}};
    }
};
