#include "AuthorizeEndpoint.h"

#include "Base64Url.h"
#include "ClientRegistry.h"
#include "Clock.h"
#include "FormData.h"
#include "HttpServer.h"
#include "PageRenderer.h"
#include "Protocol.h"
#include "Reply.h"
#include "SecureRandom.h"
#include "ServerContext.h"
#include "TokenIssuer.h"
#include "TokenStore.h"

#include <QSet>

namespace {

using Method = QHttpServerRequest::Method;
using Fields = QHash<QString, QString>;
constexpr int MaxPending = 10000;
constexpr int MaxFieldLength = 255;

QHttpServerResponse errorPage(const QString &heading, const QString &message,
                              Reply::Status status = Reply::Status::BadRequest)
{
    return Reply::html(PageRenderer::page(QStringLiteral("error"), heading,
                                          {{QStringLiteral("heading"), heading}, {QStringLiteral("message"), message}}),
                       status);
}

std::optional<Fields> requestFields(const QHttpServerRequest &request, QString *duplicate)
{
    if (request.method() == Method::Post)
        return FormData::parse(request.body(), duplicate);
    return FormData::parse(request.url().query(QUrl::FullyEncoded).toLatin1(), duplicate);
}

// Returns the error and its description, or an empty error when acceptable.
std::pair<QString, QString> checkRequest(const Fields &f, const QString &duplicate)
{
    static const QSet<QString> knownScopes{QStringLiteral("openid"), QStringLiteral("profile"),
                                           QStringLiteral("email"), QStringLiteral("offline_access")};
    auto invalid = [](const QString &text) { return std::pair{QStringLiteral("invalid_request"), text}; };
    if (!duplicate.isEmpty())
        return invalid(QStringLiteral("The parameter %1 was sent more than once.").arg(duplicate));
    if (f.value(QStringLiteral("response_type")).isEmpty())
        return invalid(QStringLiteral("response_type is missing."));
    if (f.value(QStringLiteral("response_type")) != QLatin1String("code"))
        return {QStringLiteral("unsupported_response_type"), QStringLiteral("Only response_type=code is supported.")};
    const QStringList scopes = f.value(QStringLiteral("scope")).split(u' ', Qt::SkipEmptyParts);
    for (const QString &scope : scopes) {
        if (!knownScopes.contains(scope))
            return {QStringLiteral("invalid_scope"), QStringLiteral("Unknown scope \"%1\".").arg(scope)};
    }
    if (!scopes.contains(QLatin1String("openid")))
        return {QStringLiteral("invalid_scope"), QStringLiteral("The scope must include openid.")};
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
    for (const char *name : {"state", "nonce", "login_hint"}) {
        if (f.value(QLatin1String(name)).size() > 512)
            return invalid(QStringLiteral("%1 is longer than 512 characters.").arg(QLatin1String(name)));
    }
    for (const QString &prompt : f.value(QStringLiteral("prompt")).split(u' ', Qt::SkipEmptyParts)) {
        if (prompt == QLatin1String("none"))
            return {QStringLiteral("login_required"), QStringLiteral("Signing in always needs the person here.")};
        if (prompt != QLatin1String("login") && prompt != QLatin1String("select_account"))
            return invalid(QStringLiteral("Unsupported prompt \"%1\".").arg(prompt));
    }
    return {};
}

std::optional<QString> checkTypedProfile(const UpstreamProfile &p)
{
    if (p.identity.providerUserId.trimmed().isEmpty())
        return QStringLiteral("Enter the user id at the provider.");
    if (p.identity.providerUserId.size() > MaxFieldLength || p.name.size() > 200 || p.email.size() > 254)
        return QStringLiteral("A field is too long.");
    if (!p.email.isEmpty() && (!p.email.contains(u'@') || p.email.startsWith(u'@') || p.email.endsWith(u'@')))
        return QStringLiteral("The email address is not valid.");
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
    for (const auto &provider : SimulatedProviders::providers()) {
        const QString path = QStringLiteral("/signin/") + provider.id;
        server.route(path, Method::Get, [this, provider](const QHttpServerRequest &r) { return providerPage(r, provider); });
        server.route(path, Method::Post,
                     [this, provider](const QHttpServerRequest &r) { return providerSubmit(r, provider); });
    }
}

QHttpServerResponse AuthorizeEndpoint::authorize(const QHttpServerRequest &request)
{
    QString duplicate;
    const Fields f = requestFields(request, &duplicate).value_or(Fields());
    const QString clientId = f.value(QStringLiteral("client_id"));
    const QString redirectUri = f.value(QStringLiteral("redirect_uri"));
    // Until client and redirect URI are trusted, errors stay on our page (RFC 6749 4.1.2.1).
    if (duplicate == QLatin1String("client_id") || duplicate == QLatin1String("redirect_uri"))
        return errorPage(QStringLiteral("This sign-in link is not valid"),
                         QStringLiteral("The request names its app or return address more than once."));
    if (!m_context.clients.isKnown(clientId))
        return errorPage(QStringLiteral("Unknown app"),
                         QStringLiteral("The app that sent you here (\"%1\") is not registered with this server.")
                             .arg(clientId));
    if (!m_context.clients.isRegisteredRedirect(clientId, redirectUri))
        return errorPage(QStringLiteral("This sign-in link is not valid"),
                         QStringLiteral("The app asked to return to an address that is not registered for it."));
    const QString state = f.value(QStringLiteral("state"));
    const auto [error, description] = checkRequest(f, duplicate);
    if (!error.isEmpty())
        return redirectError(redirectUri, state, error, description);
    const QString id = addPending({clientId, redirectUri, state, f.value(QStringLiteral("nonce")),
                                   f.value(QStringLiteral("code_challenge")), f.value(QStringLiteral("scope")),
                                   f.value(QStringLiteral("login_hint")), m_context.clock.now()});
    return signInPage(id);
}

QHttpServerResponse AuthorizeEndpoint::signInPage(const QString &requestId)
{
    QString buttons;
    for (const auto &provider : SimulatedProviders::providers()) {
        buttons += QStringLiteral("<li><a class=\"provider\" href=\"/signin/%1?request=%2\">Continue with %3</a></li>\n")
                       .arg(PageRenderer::escape(provider.id), PageRenderer::escape(requestId),
                            PageRenderer::escape(provider.name));
    }
    return Reply::html(PageRenderer::page(QStringLiteral("signin"), QStringLiteral("Sign in"),
                                          {{QStringLiteral("providers"), buttons},
                                           {QStringLiteral("request"), requestId}}),
                       Reply::Status::Ok, returnTo(requestId));
}

QHttpServerResponse AuthorizeEndpoint::providerPage(const QHttpServerRequest &request,
                                                    const SimulatedProviders::Provider &provider)
{
    const QString requestId = request.query().queryItemValue(QStringLiteral("request"), QUrl::FullyDecoded);
    const Pending *pending = findPending(requestId);
    if (!pending)
        return expiredRequest();
    UpstreamProfile typed;
    typed.email = pending->loginHint.contains(u'@') ? pending->loginHint : QString();
    return providerForm(requestId, provider, typed, {});
}

QHttpServerResponse AuthorizeEndpoint::providerForm(const QString &requestId, const SimulatedProviders::Provider &provider,
                                                    const UpstreamProfile &typed, const QString &message)
{
    QString personas;
    for (const auto &persona : SimulatedProviders::personas()) {
        personas += PageRenderer::fragment(QStringLiteral("persona"), {{QStringLiteral("key"), persona.key},
                                                                       {QStringLiteral("label"), persona.label},
                                                                       {QStringLiteral("description"), persona.description}});
    }
    const QString messageHtml = message.isEmpty()
        ? QString()
        : QStringLiteral("<p class=\"error\" role=\"alert\">%1</p>").arg(PageRenderer::escape(message));
    return Reply::html(PageRenderer::page(QStringLiteral("provider"), provider.name,
                                          {{QStringLiteral("provider"), provider.name},
                                           {QStringLiteral("provider_id"), provider.id},
                                           {QStringLiteral("request"), requestId},
                                           {QStringLiteral("personas"), personas},
                                           {QStringLiteral("message"), messageHtml},
                                           {QStringLiteral("provider_user_id"), typed.identity.providerUserId},
                                           {QStringLiteral("email"), typed.email},
                                           {QStringLiteral("name"), typed.name},
                                           {QStringLiteral("checked"), typed.emailVerified ? QStringLiteral("checked") : QString()}}),
                       message.isEmpty() ? Reply::Status::Ok : Reply::Status::BadRequest, returnTo(requestId));
}

QHttpServerResponse AuthorizeEndpoint::providerSubmit(const QHttpServerRequest &request,
                                                      const SimulatedProviders::Provider &provider)
{
    QString duplicate;
    const Fields f = FormData::parse(request.body(), &duplicate).value_or(Fields());
    const QString requestId = f.value(QStringLiteral("request"));
    const Pending *pending = findPending(requestId);
    if (!pending)
        return expiredRequest();
    if (f.value(QStringLiteral("action")) == QLatin1String("cancel"))
        return cancel(request);
    if (f.contains(QStringLiteral("persona"))) {
        const auto profile = SimulatedProviders::personaProfile(provider.id, f.value(QStringLiteral("persona")));
        if (!profile)
            return providerForm(requestId, provider, {}, QStringLiteral("That test persona does not exist."));
        return complete(requestId, *profile);
    }
    UpstreamProfile typed{{provider.id, f.value(QStringLiteral("provider_user_id")).trimmed()},
                          f.value(QStringLiteral("email")).trimmed(),
                          f.value(QStringLiteral("email_verified")) == QLatin1String("true"),
                          f.value(QStringLiteral("name")).simplified(),
                          {}};
    if (const auto problem = checkTypedProfile(typed))
        return providerForm(requestId, provider, typed, *problem);
    return complete(requestId, typed);
}

QHttpServerResponse AuthorizeEndpoint::cancel(const QHttpServerRequest &request)
{
    QString duplicate;
    const QString requestId = FormData::parse(request.body(), &duplicate).value_or(Fields()).value(QStringLiteral("request"));
    const Pending *pending = findPending(requestId);
    if (!pending)
        return expiredRequest();
    const Pending copy = *pending;
    m_pending.remove(requestId);
    return redirectError(copy.redirectUri, copy.state, QStringLiteral("access_denied"),
                         QStringLiteral("The person cancelled signing in."));
}

QHttpServerResponse AuthorizeEndpoint::complete(const QString &requestId, const UpstreamProfile &profile)
{
    const Pending p = *findPending(requestId);
    m_pending.remove(requestId);
    const AuthorizationGrant grant{p.clientId, p.redirectUri, p.codeChallenge, p.nonce, p.scope,
                                   profile.identity, profile.email, profile.emailVerified && !profile.email.isEmpty(),
                                   profile.name, profile.upstreamUsername, m_context.clock.now()};
    const QByteArray code = m_context.tokens.createCode(grant);
    return Reply::redirect(redirectUrl(p.redirectUri, {{QStringLiteral("code"), QString::fromLatin1(code)},
                                                       {QStringLiteral("state"), p.state},
                                                       {QStringLiteral("iss"), m_context.issuer.issuer()}}));
}

QHttpServerResponse AuthorizeEndpoint::redirectError(const QString &redirectUri, const QString &state,
                                                     const QString &error, const QString &description)
{
    QList<std::pair<QString, QString>> fields{{QStringLiteral("error"), error},
                                              {QStringLiteral("error_description"), description}};
    if (!state.isEmpty())
        fields.append({QStringLiteral("state"), state});
    fields.append({QStringLiteral("iss"), m_context.issuer.issuer()});
    return Reply::redirect(redirectUrl(redirectUri, fields));
}

QHttpServerResponse AuthorizeEndpoint::expiredRequest()
{
    return errorPage(QStringLiteral("This sign-in has expired"),
                     QStringLiteral("Sign-in pages are valid for 10 minutes and for one use. "
                                    "Return to the app and sign in again."));
}

QUrl AuthorizeEndpoint::redirectUrl(const QString &redirectUri, const QList<std::pair<QString, QString>> &fields) const
{
    QUrl url(redirectUri);
    url.setQuery(QString::fromLatin1(FormData::encode(fields)), QUrl::StrictMode);
    return url;
}

QUrl AuthorizeEndpoint::returnTo(const QString &requestId)
{
    const Pending *pending = findPending(requestId);
    return pending ? QUrl(pending->redirectUri) : QUrl();
}

const AuthorizeEndpoint::Pending *AuthorizeEndpoint::findPending(const QString &requestId)
{
    const auto it = m_pending.constFind(requestId);
    if (it == m_pending.cend() || it->createdAt + PendingLifetime < m_context.clock.now())
        return nullptr;
    return &*it;
}

QString AuthorizeEndpoint::addPending(const Pending &pending)
{
    const qint64 now = m_context.clock.now();
    m_pending.removeIf([now](const auto &it) { return it.value().createdAt + PendingLifetime < now; });
    if (m_pending.size() >= MaxPending)
        m_pending.erase(m_pending.begin());
    const QString id = QString::fromLatin1(SecureRandom::token(16));
    m_pending.insert(id, pending);
    return id;
}
