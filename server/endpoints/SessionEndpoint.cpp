#include "SessionEndpoint.h"

#include "AccountStore.h"
#include "ClaimNames.h"
#include "ClientRegistry.h"
#include "Clock.h"
#include "ErrorCodes.h"
#include "FormData.h"
#include "HttpServer.h"
#include "Protocol.h"
#include "Reply.h"
#include "ServerContext.h"
#include "TokenIssuer.h"
#include "TokenStore.h"

namespace {

using Method = QHttpServerRequest::Method;

} // namespace

SessionEndpoint::SessionEndpoint(ServerContext &context)
    : m_context(context)
    , m_tokens(context)
{
}

// RFC 6750 3.1: insufficient_scope names the scope it needs in its challenge.
QHttpServerResponse SessionEndpoint::answer(const Result<QJsonObject> &result)
{
    QHttpServerResponse response = Reply::from(result);
    if (!result && result.error().code == ErrorCode::InsufficientScope)
        response.addHeader(QByteArrayLiteral("WWW-Authenticate"),
                           QByteArrayLiteral(
                               "Bearer realm=\"latchkey\", error=\"insufficient_scope\", scope=\"openid\""));
    return response;
}

void SessionEndpoint::registerRoutes(HttpServer &server)
{
    // OIDC Core 5.3.1: userinfo answers GET and POST.
    server.route(QStringLiteral("/userinfo"), Method::Get | Method::Post,
                 [this](const QHttpServerRequest &r) { return answer(userInfo(r)); });
    server.route(QStringLiteral("/revoke"), Method::Post,
                 [this](const QHttpServerRequest &r) { return Reply::from(revoke(r)); });
}

Result<QJsonObject> SessionEndpoint::userInfo(const QHttpServerRequest &request)
{
    const auto claims = m_tokens.verifyRequest(request);
    if (!claims)
        return claims.error();
    if (!claims->value(QLatin1String(Claim::Scope)).toString().split(u' ').contains(QLatin1String("openid")))
        return ServerError{ErrorCode::InsufficientScope, QStringLiteral("The access token lacks the openid scope."),
                           403};
    const auto account = m_context.accounts.findById(claims->value(QLatin1String(Claim::Subject)).toString());
    if (!account)
        return account.error();
    if (!*account)
        return ServerError::invalidToken(QStringLiteral("The account no longer exists."));
    QJsonObject body{{QLatin1String(Claim::Subject), (*account)->id},
                     {QLatin1String(Claim::PreferredUsername), (*account)->username},
                     {QLatin1String(Claim::EmailVerified), (*account)->emailVerified}};
    if (!(*account)->name.isEmpty())
        body.insert(QLatin1String(Claim::Name), (*account)->name);
    if (!(*account)->email.isEmpty())
        body.insert(QLatin1String(Claim::Email), (*account)->email);
    return body;
}

Result<QJsonObject> SessionEndpoint::revoke(const QHttpServerRequest &request)
{
    if (!FormData::isFormContentType(request.value(QByteArrayLiteral("Content-Type"))))
        return ServerError::invalidRequest(QStringLiteral("The body must be application/x-www-form-urlencoded."));
    QString duplicate;
    const auto f = FormData::parse(request.body(), &duplicate);
    if (!f)
        return ServerError::invalidRequest(QStringLiteral("The parameter %1 was sent more than once.").arg(duplicate));
    const QString clientId = f->value(QStringLiteral("client_id"));
    if (clientId.isEmpty())
        return ServerError::invalidRequest(QStringLiteral("client_id is missing."));
    if (!m_context.clients.isKnown(clientId))
        return ServerError{ErrorCode::InvalidClient, QStringLiteral("Unknown client."), 401};
    const QByteArray token = f->value(QStringLiteral("token")).toLatin1();
    if (token.isEmpty())
        return ServerError::invalidRequest(QStringLiteral("token is missing."));
    // The hint is only an optimisation (RFC 7009 2.1): try both kinds.
    // RFC 7009 2.2.1: a failure is answered 503, and the client retries later;
    // a 200 would claim a revocation that did not happen.
    const auto refresh = m_context.tokens.revokeRefreshToken(token, clientId);
    if (!refresh)
        return refresh.error();
    if (*refresh)
        return QJsonObject();
    const auto claims = m_tokens.verify(token);
    if (claims && claims->value(QLatin1String(Claim::ClientId)).toString() == clientId) {
        if (auto revoked = m_context.tokens.revokeSession(claims->value(QLatin1String(Claim::SessionId)).toString());
            !revoked)
            return revoked.error();
    } else if (!claims && claims.error().isUnavailable()) {
        return claims.error();
    }
    return QJsonObject();
}
