#pragma once

#include "ErrorCodes.h"
#include "Result.h"
#include "UpstreamProfile.h"

// What one step with an upstream provider gives: the person's profile, or
// the error the app receives for it (PROTOCOL.md 4). `description` is the
// sentence a person reads there, `logDetail` what the server log says.
using UpstreamOutcome = Result<UpstreamProfile>;

namespace UpstreamError {

// ServerError::kind of refused() and invalid(), which share a code: the
// metrics count them apart (latchkey_sign_ins_total).
inline constexpr char RefusedKind[] = "upstream_refused";
inline constexpr char InvalidKind[] = "upstream_invalid";

// The person cancelled at the provider.
inline ServerError cancelled(const QString &description)
{
    return ServerError(ErrorCode::AccessDenied, description, 403);
}

// The provider answered with an error of its own.
inline ServerError refused(const QString &description, const QString &logDetail)
{
    ServerError error(ErrorCode::ServerError, description, 502);
    error.logDetail = logDetail;
    error.kind = RefusedKind;
    return error;
}

// Unreachable, too slow or 5xx.
inline ServerError unavailable(const QString &description, const QString &logDetail)
{
    ServerError error(ErrorCode::TemporarilyUnavailable, description, 503);
    error.logDetail = logDetail;
    return error;
}

// An answer that fails a check (ID token, state, shape).
inline ServerError invalid(const QString &description, const QString &logDetail)
{
    ServerError error(ErrorCode::ServerError, description, 502);
    error.logDetail = logDetail;
    error.kind = InvalidKind;
    return error;
}

} // namespace UpstreamError
