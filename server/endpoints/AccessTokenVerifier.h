#pragma once

#include "Result.h"

#include <QByteArray>
#include <QJsonObject>

class QHttpServerRequest;
struct ServerContext;

// The access token (PROTOCOL.md 7) of a call a signed-in client makes:
// userinfo, revocation, and its sign-in methods (6.5).
class AccessTokenVerifier
{
public:
    // PROTOCOL.md 6.5: adding or removing a sign-in method needs a sign-in at most this old.
    static constexpr qint64 RecentAuthenticationSeconds = 300;

    explicit AccessTokenVerifier(ServerContext &context);

    // The token's claims if it is valid and its session active.
    Result<QJsonObject> verify(const QByteArray &token) const;
    // The request's Bearer token, verified; a request without one gets a
    // challenge that names no error (RFC 6750 3.1).
    Result<QJsonObject> verifyRequest(const QHttpServerRequest &request) const;
    // 403 reauthentication_required when the token's session authenticated
    // longer ago than RecentAuthenticationSeconds.
    Result<void> requireRecentAuthentication(const QJsonObject &claims) const;

private:
    ServerContext &m_context;
};
