#include "AuthorizeEndpoint.h"
#include "ClaimNames.h"

#include "AccountStore.h"
#include "Base64Url.h"
#include "ClientRegistry.h"
#include "Clock.h"
#include "ErrorCodes.h"
#include "FormData.h"
#include "HttpServer.h"
#include "LinkStore.h"
#include "PageRenderer.h"
#include "Protocol.h"
#include "ProviderDirectory.h"
#include "Reply.h"
#include "ServerContext.h"
#include "SignInFlow.h"
#include "TrustedProxies.h"

#include <QSet>

#include <algorithm>

namespace {

using Method = QHttpServerRequest::Method;
using Fields = QHash<QString, QString>;

std::optional<Fields> requestFields(const QHttpServerRequest &request, QString *duplicate)
{
    if (request.method() == Method::Post)
        return FormData::parse(request.body(), duplicate);
    return FormData::parse(request.url().query(QUrl::FullyEncoded).toLatin1(), duplicate);
}

// OIDC Core 3.1.2.1: a non-negative number of seconds; -1 when absent or not one.
qint64 maxAgeOf(const Fields &f)
{
    const QString text = f.value(QStringLiteral("max_age"));
    bool ok = false;
    const qint64 seconds = text.toLongLong(&ok);
    return ok && seconds >= 0 && text.size() <= 10 && text.at(0).isDigit() ? seconds : -1;
}

// What PROTOCOL.md 4 asks of the request once its client and redirect URI are trusted.
std::optional<ServerError> checkRequest(const Fields &f, const QString &duplicate)
{
    static const QSet<QString> knownScopes{QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email"),
                                           QStringLiteral("offline_access")};
    auto invalid = [](const QString &text) { return ServerError::invalidRequest(text); };
    auto refused = [](const char *code, const QString &text) { return ServerError{code, text, 400}; };
    if (!duplicate.isEmpty())
        return invalid(QStringLiteral("The parameter %1 was sent more than once.").arg(duplicate));
    if (f.value(QStringLiteral("response_type")).isEmpty())
        return invalid(QStringLiteral("response_type is missing."));
    if (f.value(QStringLiteral("response_type")) != QLatin1String("code"))
        return refused(ErrorCode::UnsupportedResponseType, QStringLiteral("Only response_type=code is supported."));
    const QStringList scopes = f.value(QStringLiteral("scope")).split(u' ', Qt::SkipEmptyParts);
    for (const QString &scope : scopes) {
        if (!knownScopes.contains(scope))
            return refused(ErrorCode::InvalidScope, QStringLiteral("Unknown scope \"%1\".").arg(scope));
    }
    if (!scopes.contains(QLatin1String("openid")))
        return refused(ErrorCode::InvalidScope, QStringLiteral("The scope must include openid."));
    const QString challenge = f.value(QStringLiteral("code_challenge"));
    if (challenge.isEmpty())
        return invalid(QStringLiteral("PKCE is required: code_challenge is missing."));
    if (f.value(QStringLiteral("code_challenge_method")) != QLatin1String("S256"))
        return invalid(QStringLiteral("PKCE must use code_challenge_method=S256."));
    const auto decoded = Base64Url::decode(challenge.toLatin1());
    if (!decoded || decoded->size() != 32)
        return invalid(QStringLiteral("code_challenge is not a base64url SHA-256 hash."));
    if (f.value(QStringLiteral("state")).isEmpty())
        return invalid(QStringLiteral("state is missing."));
    if (f.value(QStringLiteral("nonce")).isEmpty())
        return invalid(QStringLiteral("nonce is missing."));
    for (const char *name :
         {"state", "nonce", "login_hint", "provider", "scope", "code_challenge", "prompt", "max_age", "link_id"}) {
        if (f.value(QLatin1String(name)).size() > 512)
            return invalid(QStringLiteral("%1 is longer than 512 characters.").arg(QLatin1String(name)));
    }
    for (const QString &prompt : f.value(QStringLiteral("prompt")).split(u' ', Qt::SkipEmptyParts)) {
        if (prompt == QLatin1String("none"))
            return refused(ErrorCode::LoginRequired, QStringLiteral("Signing in always needs the person here."));
        if (prompt != QLatin1String("login") && prompt != QLatin1String("select_account"))
            return invalid(QStringLiteral("Unsupported prompt \"%1\".").arg(prompt));
    }
    if (f.contains(QStringLiteral("max_age")) && maxAgeOf(f) < 0)
        return invalid(QStringLiteral("max_age must be a number of seconds."));
    return std::nullopt;
}

} // namespace

AuthorizeEndpoint::AuthorizeEndpoint(ServerContext &context)
    : m_context(context)
{
}

void AuthorizeEndpoint::registerRoutes(HttpServer &server)
{
    server.route(QStringLiteral("/authorize"), Method::Get | Method::Post,
                 [this](const QHttpServerRequest &r) { return authorize(r); });
    server.route(QStringLiteral("/signin/cancel"), Method::Post,
                 [this](const QHttpServerRequest &r) { return cancel(r); });
}

QHttpServerResponse AuthorizeEndpoint::authorize(const QHttpServerRequest &request)
{
    QString duplicate;
    const Fields f = requestFields(request, &duplicate).value_or(Fields());
    const QString clientId = f.value(QStringLiteral("client_id"));
    const QString redirectUri = f.value(QStringLiteral("redirect_uri"));
    // Until client and redirect URI are trusted, errors stay on our page (RFC 6749 4.1.2.1).
    if (duplicate == QLatin1String("client_id") || duplicate == QLatin1String("redirect_uri"))
        return SignInFlow::errorPage(QStringLiteral("This sign-in link is not valid"),
                                     QStringLiteral("The request names its app or return address more than once."));
    if (!m_context.clients.isKnown(clientId))
        return SignInFlow::errorPage(
            QStringLiteral("Unknown app"),
            QStringLiteral("The app that sent you here (\"%1\") is not registered with this server.").arg(clientId));
    if (!m_context.clients.isRegisteredRedirect(clientId, redirectUri))
        return SignInFlow::errorPage(QStringLiteral("This sign-in link is not valid"),
                                     QStringLiteral(
                                         "The app asked to return to an address that is not registered for it."));
    const QString state = f.value(QStringLiteral("state"));
    if (const auto error = checkRequest(f, duplicate))
        return m_context.signIns.redirectError(redirectUri, state, *error);
    SignInFlow::Pending pending;
    pending.clientId = clientId;
    pending.redirectUri = redirectUri;
    pending.state = state;
    pending.nonce = f.value(QStringLiteral("nonce"));
    pending.codeChallenge = f.value(QStringLiteral("code_challenge"));
    pending.scope = f.value(QStringLiteral("scope"));
    pending.loginHint = f.value(QStringLiteral("login_hint"));
    pending.prompt = f.value(QStringLiteral("prompt")).split(u' ', Qt::SkipEmptyParts).join(u' ');
    pending.maxAge = maxAgeOf(f);
    pending.createdAt = m_context.clock.now();
    pending.clientAddress = TrustedProxies::key(m_context.proxies.clientOf(request));
    QString provider = f.value(QStringLiteral("provider"));
    if (const QString linkId = f.value(QStringLiteral("link_id")); !linkId.isEmpty()) {
        const auto taken = takeLink(linkId, pending, &provider);
        if (!taken)
            return m_context.signIns.redirectError(redirectUri, state, taken.error());
    }
    const auto added = m_context.signIns.store().add(pending);
    if (!added && SignInStore::isBusy(added.error()))
        return SignInFlow::errorPage(QStringLiteral("The server is busy"), added.error().description,
                                     Reply::Status::ServiceUnavailable);
    if (!added) // the database could not be written: the app says so and can start again
        return m_context.signIns.redirectError(redirectUri, state, added.error());
    const QString id = *added;
    // PROTOCOL.md 4: a known provider skips the page; an unknown one shows it.
    if (m_context.providers.find(provider)) {
        QUrl next(QStringLiteral("/signin/") + provider);
        next.setQuery(QStringLiteral("request=") + id);
        return Reply::redirect(next);
    }
    return signInPage(m_context, id);
}

// PROTOCOL.md 6.5: the first sign-in that presents a link_id spends it; the
// provider is the one to prove: the added one, or one of the existing
// account's (the asked one when it is, else its first).
Result<void> AuthorizeEndpoint::takeLink(const QString &linkId, SignInFlow::Pending &pending, QString *provider)
{
    const QByteArray request = (pending.state + u' ' + pending.codeChallenge).toUtf8();
    const auto link = m_context.links.take(linkId.toLatin1(), pending.clientId, request, &pending.linkId);
    if (!link)
        return link.error();
    if (!*link)
        return SignInFlow::linkFailed(LinkFailure::Expired,
                                      QStringLiteral("the link request has expired or was already used. Start "
                                                     "again from the app."));
    if ((*link)->kind == LinkRequest::Kind::Add) {
        *provider = (*link)->providerId;
        return {};
    }
    const auto usable = m_context.providers.usableFor(
        m_context.accounts.identitiesOf((*link)->accountId).value_or(QList<LinkedIdentity>()));
    if (usable.isEmpty())
        return SignInFlow::linkFailed(LinkFailure::NoAccount,
                                      QStringLiteral("the account that uses this email has no sign-in method here."));
    const bool asked = std::any_of(usable.cbegin(), usable.cend(),
                                   [provider](const auto *entry) { return entry->id == *provider; });
    if (!asked)
        *provider = usable.first()->id;
    return {};
}

QHttpServerResponse AuthorizeEndpoint::signInPage(ServerContext &context, const QString &requestId)
{
    QString buttons;
    for (const auto &provider : context.providers.entries()) {
        buttons += QStringLiteral(
                       "<li><a class=\"provider\" href=\"/signin/%1?request=%2\">Continue with %3</a></li>\n")
                       .arg(PageRenderer::escape(provider.id), PageRenderer::escape(requestId),
                            PageRenderer::escape(provider.name));
    }
    return Reply::html(PageRenderer::page(QStringLiteral("signin"), QStringLiteral("Sign in"),
                                          {{QStringLiteral("providers"), buttons},
                                           {QStringLiteral("request"), requestId}}),
                       Reply::Status::Ok, context.signIns.returnTo(requestId));
}

QHttpServerResponse AuthorizeEndpoint::cancel(const QHttpServerRequest &request)
{
    QString duplicate;
    const QString requestId
        = FormData::parse(request.body(), &duplicate).value_or(Fields()).value(QStringLiteral("request"));
    const auto pending = m_context.signIns.find(requestId);
    if (!pending || pending->finished)
        return m_context.signIns.expiredOrUnavailable();
    return m_context.signIns.fail(requestId,
                                  ServerError{ErrorCode::AccessDenied,
                                              QStringLiteral("The person cancelled signing in.")});
}
