#include "SessionEndpoint.h"

#include "AccountStore.h"
#include "ClaimNames.h"
#include "ClientRegistry.h"
#include "Clock.h"
#include "FormData.h"
#include "HttpServer.h"
#include "Jws.h"
#include "KeyStore.h"
#include "Protocol.h"
#include "Reply.h"
#include "ServerContext.h"
#include "TokenIssuer.h"
#include "TokenStore.h"

namespace {

using Status = Reply::Status;
using Method = QHttpServerRequest::Method;

QHttpServerResponse unauthorized(const QString &error, const QString &description)
{
    auto response = Reply::error(Status::Unauthorized, error.isEmpty() ? QStringLiteral("invalid_token") : error,
                                 description);
    QByteArray challenge = QByteArrayLiteral("Bearer realm=\"latchkey\"");
    if (!error.isEmpty())
        challenge += ", error=\"" + error.toLatin1() + "\", error_description=\"" + description.toLatin1() + '"';
    response.addHeader(QByteArrayLiteral("WWW-Authenticate"), challenge);
    return response;
}

} // namespace

SessionEndpoint::SessionEndpoint(ServerContext &context)
    : m_context(context)
{
}

void SessionEndpoint::registerRoutes(HttpServer &server)
{
    // OIDC Core 5.3.1: userinfo answers GET and POST.
    server.route(QStringLiteral("/userinfo"), Method::Get | Method::Post,
                 [this](const QHttpServerRequest &r) { return userInfo(r); });
    server.route(QStringLiteral("/revoke"), Method::Post, [this](const QHttpServerRequest &r) { return revoke(r); });
}

QJsonObject SessionEndpoint::verifyAccessToken(const QByteArray &token, QString *problem)
{
    const auto result = Jws::verify(token, m_context.keys.publishedKeys(),
                                    QStringList{QLatin1String(Protocol::TypAccessToken)});
    if (!result.ok()) {
        *problem = QStringLiteral("The access token is not valid.");
        return {};
    }
    const QJsonObject &c = result.payload;
    if (c.value(QLatin1String(Claim::Issuer)).toString() != m_context.issuer.issuer()
        || c.value(QLatin1String(Claim::Audience)).toString() != m_context.issuer.issuer()) {
        *problem = QStringLiteral("The access token was issued for another server.");
        return {};
    }
    if (qint64(c.value(QLatin1String(Claim::Expiry)).toDouble()) < m_context.clock.now()) {
        *problem = QStringLiteral("The access token has expired.");
        return {};
    }
    if (!m_context.tokens.isSessionActive(c.value(QLatin1String(Claim::SessionId)).toString())) {
        *problem = QStringLiteral("The session was revoked.");
        return {};
    }
    return c;
}

QHttpServerResponse SessionEndpoint::userInfo(const QHttpServerRequest &request)
{
    const QByteArray header = request.value(QByteArrayLiteral("Authorization")).trimmed();
    if (!header.toLower().startsWith("bearer "))
        return unauthorized({}, QStringLiteral("An access token is required as a Bearer token."));
    QString problem;
    const QJsonObject claims = verifyAccessToken(header.mid(7).trimmed(), &problem);
    if (claims.isEmpty())
        return unauthorized(QStringLiteral("invalid_token"), problem);
    if (!claims.value(QLatin1String(Claim::Scope)).toString().split(u' ').contains(QLatin1String("openid"))) {
        auto response = Reply::error(Status::Forbidden, QStringLiteral("insufficient_scope"),
                                     QStringLiteral("The access token lacks the openid scope."));
        response.addHeader(QByteArrayLiteral("WWW-Authenticate"),
                           QByteArrayLiteral(
                               "Bearer realm=\"latchkey\", error=\"insufficient_scope\", scope=\"openid\""));
        return response;
    }
    const auto account = m_context.accounts.findById(claims.value(QLatin1String(Claim::Subject)).toString());
    if (!account)
        return unauthorized(QStringLiteral("invalid_token"), QStringLiteral("The account no longer exists."));
    QJsonObject body{{QLatin1String(Claim::Subject), account->id},
                     {QLatin1String(Claim::PreferredUsername), account->username},
                     {QLatin1String(Claim::EmailVerified), account->emailVerified}};
    if (!account->name.isEmpty())
        body.insert(QLatin1String(Claim::Name), account->name);
    if (!account->email.isEmpty())
        body.insert(QLatin1String(Claim::Email), account->email);
    return Reply::json(body);
}

QHttpServerResponse SessionEndpoint::revoke(const QHttpServerRequest &request)
{
    if (!FormData::isFormContentType(request.value(QByteArrayLiteral("Content-Type"))))
        return Reply::error(Status::BadRequest, QStringLiteral("invalid_request"),
                            QStringLiteral("The body must be application/x-www-form-urlencoded."));
    QString duplicate;
    const auto f = FormData::parse(request.body(), &duplicate);
    if (!f)
        return Reply::error(Status::BadRequest, QStringLiteral("invalid_request"),
                            QStringLiteral("The parameter %1 was sent more than once.").arg(duplicate));
    const QString clientId = f->value(QStringLiteral("client_id"));
    if (clientId.isEmpty())
        return Reply::error(Status::BadRequest, QStringLiteral("invalid_request"),
                            QStringLiteral("client_id is missing."));
    if (!m_context.clients.isKnown(clientId))
        return Reply::error(Status::Unauthorized, QStringLiteral("invalid_client"), QStringLiteral("Unknown client."));
    const QByteArray token = f->value(QStringLiteral("token")).toLatin1();
    if (token.isEmpty())
        return Reply::error(Status::BadRequest, QStringLiteral("invalid_request"), QStringLiteral("token is missing."));
    // The hint is only an optimisation (RFC 7009 2.1): try both kinds.
    TokenStore::RevokeOutcome outcome = m_context.tokens.revokeRefreshToken(token, clientId);
    if (outcome == TokenStore::RevokeOutcome::Unknown) {
        QString problem;
        const QJsonObject claims = verifyAccessToken(token, &problem);
        if (claims.value(QLatin1String(Claim::ClientId)).toString() == clientId
            && !m_context.tokens.revokeSession(claims.value(QLatin1String(Claim::SessionId)).toString()))
            outcome = TokenStore::RevokeOutcome::Failed;
    }
    // RFC 7009 2.2.1: the client retries later; a 200 would claim a revocation that did not happen.
    if (outcome == TokenStore::RevokeOutcome::Failed)
        return Reply::unavailable(QStringLiteral("The token could not be revoked; try again."));
    return Reply::bytes(QByteArrayLiteral("application/json"), QByteArrayLiteral("{}"));
}
