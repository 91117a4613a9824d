#include "UpstreamEndpoint.h"
#include "ClaimNames.h"

#include "AccountStore.h"
#include "Connector.h"
#include "ErrorCodes.h"
#include "LinkStore.h"
#include "LogText.h"
#include "Pkce.h"
#include "ProviderDirectory.h"
#include "Reply.h"
#include "SecureRandom.h"
#include "ServerContext.h"
#include "ServerLogging.h"
#include "SignInFlow.h"
#include "TokenIssuer.h"
#include "TokenStore.h"

#include <QNetworkCookie>
#include <QUrlQuery>

#include <algorithm>

namespace {

using Method = QHttpServerRequest::Method;
constexpr qsizetype MaxDescription = 200;
const QString CookiePrefix = QStringLiteral("lk_");
// A callback whose state is unknown reads at most this many sign-ins from its
// lk_ cookies: each costs a database read, and a browser (or an attacker)
// may send hundreds. A person has at most a few sign-ins open at once, and
// theirs is among the newest cookies.
constexpr int MaxCookieLookups = 4;

QByteArray bindingCookie(const QString &requestId, const QString &providerId, const QByteArray &value, bool secure,
                         qint64 maxAge)
{
    QNetworkCookie cookie((CookiePrefix + requestId).toLatin1(), value);
    cookie.setPath(UpstreamEndpoint::callbackPath(providerId));
    cookie.setHttpOnly(true);
    cookie.setSecure(secure);
#if QT_VERSION >= QT_VERSION_CHECK(6, 1, 0)
    cookie.setSameSitePolicy(QNetworkCookie::SameSite::Lax); // sent on the top-level return from the provider
#endif
    return cookie.toRawForm() + "; Max-Age=" + QByteArray::number(maxAge);
}

QHash<QString, QByteArray> cookies(const QHttpServerRequest &request)
{
    QHash<QString, QByteArray> out;
    for (const QByteArray &pair : request.value(QByteArrayLiteral("Cookie")).split(';')) {
        const qsizetype equals = pair.indexOf('=');
        if (equals > 0)
            out.insert(QString::fromLatin1(pair.left(equals).trimmed()), pair.mid(equals + 1).trimmed());
    }
    return out;
}

// The lk_ cookies' request ids and values, newest first: browsers send
// cookies of the same path oldest first (RFC 6265 5.4).
QList<std::pair<QString, QByteArray>> bindingCookies(const QHttpServerRequest &request)
{
    QList<std::pair<QString, QByteArray>> out;
    for (const QByteArray &pair : request.value(QByteArrayLiteral("Cookie")).split(';')) {
        const qsizetype equals = pair.indexOf('=');
        const QString name = QString::fromLatin1(pair.left(std::max<qsizetype>(equals, 0)).trimmed());
        if (equals > 0 && name.startsWith(CookiePrefix))
            out.prepend({name.mid(CookiePrefix.size()), pair.mid(equals + 1).trimmed()});
    }
    return out;
}

// Text from another party, fit to quote to the person: one line, bounded.
QString quoted(const QString &text)
{
    QString out = text.simplified().left(MaxDescription);
    out.removeIf([](QChar c) { return c.category() == QChar::Other_Control || c.category() == QChar::Other_Format; });
    return out;
}

ServerError alreadyUsed(const QString &providerName)
{
    return UpstreamError::invalid(
        QStringLiteral("This answer from %1 was already used. Start signing in again from the app.").arg(providerName),
        QStringLiteral("a used upstream answer came back"));
}

Metrics::SignIn outcomeOf(const ServerError &error)
{
    if (error.code == ErrorCode::AccessDenied)
        return Metrics::SignIn::Cancelled;
    if (error.isUnavailable())
        return Metrics::SignIn::Unavailable;
    return error.kind == UpstreamError::RefusedKind ? Metrics::SignIn::Refused : Metrics::SignIn::Invalid;
}

} // namespace

UpstreamEndpoint::UpstreamEndpoint(ServerContext &context)
    : m_context(context)
{
}

QString UpstreamEndpoint::callbackPath(const QString &providerId)
{
    return QStringLiteral("/upstream/%1/callback").arg(providerId);
}

void UpstreamEndpoint::registerRoutes(HttpServer &server)
{
    for (const auto &entry : m_context.providers.entries()) {
        Connector *provider = entry.connector;
        server.routeDeferred(QStringLiteral("/signin/") + entry.id, Method::Get,
                             [this, provider](const QHttpServerRequest &r, HttpServer::Responder respond) {
                                 begin(r, *provider, std::move(respond));
                             });
        server.routeDeferred(callbackPath(entry.id), Method::Get,
                             [this, provider](const QHttpServerRequest &r, HttpServer::Responder respond) {
                                 callback(r, *provider, std::move(respond));
                             });
    }
}

void UpstreamEndpoint::begin(const QHttpServerRequest &request, Connector &provider, HttpServer::Responder respond)
{
    const QString requestId = QUrlQuery(request.url()).queryItemValue(QStringLiteral("request"), QUrl::FullyDecoded);
    const QString id = provider.settings().id;
    const auto pending = m_context.signIns.find(requestId);
    if (!pending || pending->finished) {
        respond(gone(id));
        return;
    }
    UpstreamAttempt attempt{QString::fromLatin1(SecureRandom::token(24)),
                            QString::fromLatin1(SecureRandom::token(24)),
                            provider.settings().pkce ? Pkce::generateVerifier() : QByteArray(),
                            m_context.issuer.issuer() + callbackPath(id),
                            {pending->prompt, pending->loginHint, pending->maxAge}};
    const QByteArray binding = SecureRandom::token(24);
    if (auto attached = m_context.signIns.store().attachUpstream(requestId, id, attempt, binding); !attached) {
        respond(failed(id, requestId, attached.error()));
        return;
    }
    const bool secure = m_context.issuer.issuer().startsWith(QLatin1String("https:"));
    provider.begin(attempt, [=, this](const Result<QUrl> &url) {
        if (!m_context.signIns.find(requestId)) {
            respond(gone(id));
        } else if (!url) {
            respond(finish(requestId, url.error(), id));
        } else {
            QHttpServerResponse response = Reply::redirect(*url);
            response.addHeader(QByteArrayLiteral("Set-Cookie"),
                               bindingCookie(requestId, id, binding, secure, SignInFlow::Lifetime));
            respond(std::move(response));
        }
    });
}

QString UpstreamEndpoint::requestFromCookies(const QHttpServerRequest &request, const QString &providerId) const
{
    const auto jar = bindingCookies(request);
    for (qsizetype i = 0; i < std::min<qsizetype>(jar.size(), MaxCookieLookups); ++i) {
        const auto &[requestId, binding] = jar.at(i);
        // Counted by the tests: the reads a callback costs stay bounded.
        qCDebug(lcUpstream, "%s: callback without a known state: reading the sign-in of cookie %lld",
                qPrintable(providerId), static_cast<long long>(i + 1));
        const auto pending = m_context.signIns.find(requestId);
        if (pending && pending->providerId == providerId && SignInStore::isBoundTo(*pending, binding))
            return requestId;
    }
    return {};
}

void UpstreamEndpoint::callback(const QHttpServerRequest &request, Connector &provider, HttpServer::Responder respond)
{
    // The redirect's query is form-encoded (RFC 6749 4.1.2 and its appendix B):
    // a '+' is a space, which QUrlQuery leaves as it is.
    const QUrlQuery query(request.url().query(QUrl::FullyEncoded).replace(u'+', QStringLiteral("%20")));
    auto param = [&query](const char *name) { return query.queryItemValue(QLatin1String(name), QUrl::FullyDecoded); };
    const QString id = provider.settings().id;
    const QString &name = provider.settings().name;
    QString requestId = m_context.signIns.store().findByUpstreamState(param("state")).value_or(QString());
    auto pending = m_context.signIns.find(requestId);
    if (!pending || pending->providerId != id) {
        // Not a state we gave out: if this browser is signing in here, end that
        // sign-in at its app; otherwise there is no app to return to.
        requestId = requestFromCookies(request, id);
        pending = m_context.signIns.find(requestId);
        if (!pending || pending->finished) {
            respond(gone(id));
            return;
        }
        respond(failed(id, requestId,
                       UpstreamError::invalid(QStringLiteral("The answer from %1 does not belong to "
                                                             "this sign-in (its state is wrong). "
                                                             "Start signing in again from the app.")
                                                  .arg(name),
                                              QStringLiteral("unknown upstream state"))));
        return;
    }
    if (pending->finished) {
        count(id, Metrics::SignIn::Invalid);
        respond(m_context.signIns.redirectError(pending->redirectUri, pending->state, alreadyUsed(name)));
        return;
    }
    if (!SignInStore::isBoundTo(*pending, cookies(request).value(CookiePrefix + requestId))) {
        respond(failed(id, requestId,
                       UpstreamError::invalid(QStringLiteral("This sign-in with %1 was started in another browser. "
                                                             "Start signing in again from the app, and finish in the "
                                                             "browser it opens.")
                                                  .arg(name),
                                              QStringLiteral("no browser binding"))));
        return;
    }
    const QString error = param("error");
    if (error == QLatin1String(ErrorCode::AccessDenied)) {
        respond(failed(id, requestId,
                       UpstreamError::cancelled(QStringLiteral("You cancelled signing in at %1.").arg(name))));
        return;
    }
    if (!error.isEmpty() || param("code").isEmpty()) {
        const QString description = param("error_description");
        respond(finish(requestId,
                       UpstreamError::refused(error.isEmpty()
                                                  ? QStringLiteral("%1 sent no authorization code.").arg(name)
                                                  : QStringLiteral("%1 did not sign you in: %2%3")
                                                        .arg(name, quoted(error),
                                                             description.isEmpty()
                                                                 ? QStringLiteral(".")
                                                                 : QStringLiteral(" (%1).").arg(quoted(description))),
                                              QStringLiteral("upstream error %1").arg(quoted(error))),
                       id));
        return;
    }
    // From here on this answer is spent: a second one with the same state, at
    // this instance or another, is a replay.
    const auto claim = m_context.signIns.store().claim(requestId);
    if (!claim) {
        count(id, Metrics::SignIn::Unavailable);
        respond(m_context.signIns.failClaimed(*pending, claim.error()));
        return;
    }
    if (*claim == SignInStore::Claim::AlreadyFinished) {
        count(id, Metrics::SignIn::Invalid);
        respond(m_context.signIns.redirectError(pending->redirectUri, pending->state, alreadyUsed(name)));
        return;
    }
    const SignInFlow::Pending claimed = *pending;
    provider.finish(param("code"), claimed.upstream, [=, this](const UpstreamOutcome &outcome) {
        QHttpServerResponse response = m_context.signIns.find(requestId) ? finishClaimed(claimed, outcome, id)
                                                                         : gone(id);
        response.addHeader(QByteArrayLiteral("Set-Cookie"), bindingCookie(requestId, id, {}, false, 0));
        respond(std::move(response));
    });
}

QHttpServerResponse UpstreamEndpoint::finish(const QString &requestId, const UpstreamOutcome &outcome,
                                             const QString &providerId)
{
    const auto pending = m_context.signIns.find(requestId);
    if (!pending)
        return gone(providerId);
    // Unsaved, the claim costs nothing for a failure: the app learns it, and the sign-in expires.
    const auto claim = m_context.signIns.store().claim(requestId);
    if (claim && *claim == SignInStore::Claim::AlreadyFinished) {
        count(providerId, Metrics::SignIn::Expired);
        return SignInFlow::expired();
    }
    return finishClaimed(*pending, outcome, providerId);
}

QHttpServerResponse UpstreamEndpoint::finishClaimed(const SignInFlow::Pending &pending, const UpstreamOutcome &outcome,
                                                    const QString &providerId)
{
    if (outcome) {
        UpstreamProfile profile = *outcome;
        const auto *entry = m_context.providers.find(providerId);
        profile.identity.providerId = entry->identityKey;
        profile.identity.upstreamIssuer = entry->upstreamIssuer;
        if (!pending.linkId.isEmpty())
            return completeLink(pending, profile, providerId);
        // Read for the metrics only: the token request decides what the code gives.
        const auto account = m_context.accounts.findByIdentity(profile.identity);
        bool issued = false;
        QHttpServerResponse response = m_context.signIns.completeClaimed(pending, profile, &issued);
        if (issued && !pending.deviceGrant.isEmpty())
            m_context.metrics.countDeviceGrant(Metrics::DeviceGrant::Approved);
        count(providerId,
              !issued                    ? Metrics::SignIn::Unavailable
                  : account && !*account ? Metrics::SignIn::Onboarding
                                         : Metrics::SignIn::SignedIn);
        return response;
    }
    // The detail may quote the upstream (its error code, its issuer): one line, no control characters.
    const ServerError &error = outcome.error();
    qCWarning(lcUpstream, "%s: sign-in failed: %s", qPrintable(providerId),
              qPrintable(logText(error.logDetail.isEmpty() ? error.description : error.logDetail)));
    count(providerId, outcomeOf(error));
    return m_context.signIns.failClaimed(pending, error);
}

// PROTOCOL.md 6.5: the person proved the other identity; the link and the
// code for the account commit together, or nothing is linked.
QHttpServerResponse UpstreamEndpoint::completeLink(const SignInFlow::Pending &pending, const UpstreamProfile &profile,
                                                   const QString &providerId)
{
    const auto link = m_context.links.find(pending.linkId);
    if (!link || !*link) {
        count(providerId, link ? Metrics::SignIn::Expired : Metrics::SignIn::Unavailable);
        return m_context.signIns.failClaimed(pending,
                                             link ? SignInFlow::linkFailed(LinkFailure::Expired,
                                                                           QStringLiteral(
                                                                               "the link request has expired."))
                                                  : link.error());
    }
    const bool adding = (*link)->kind == LinkRequest::Kind::Add;
    const auto *linked = adding
        ? m_context.providers.find((*link)->providerId)
        : m_context.providers.findByIdentity((*link)->identity.providerId, (*link)->identity.upstreamIssuer);
    if (!linked || (adding && linked->id != providerId)) {
        count(providerId, Metrics::SignIn::Refused);
        return m_context.signIns
            .failClaimed(pending,
                         SignInFlow::linkFailed(LinkFailure::Failed,
                                                QStringLiteral("this sign-in was not at the provider to link.")));
    }
    AuthorizationGrant grant = m_context.signIns.grantFor(pending, profile);
    grant.linkedProvider = linked->id;
    QByteArray code;
    const auto outcome = m_context.links.complete(**link, profile.identity, profile.email, [&]() -> Result<void> {
        const auto created = m_context.tokens.createCode(grant);
        if (!created)
            return created.error();
        code = *created;
        return {};
    });
    if (!outcome) {
        count(providerId, Metrics::SignIn::Unavailable);
        return m_context.signIns.failClaimed(pending, outcome.error());
    }
    if (*outcome) {
        count(providerId, Metrics::SignIn::Refused);
        return m_context.signIns.failClaimed(pending, linkFailure(**outcome, linked->name));
    }
    qCInfo(lcUpstream, "%s: linked %s to an account", qPrintable(providerId), qPrintable(linked->id));
    count(providerId, Metrics::SignIn::SignedIn);
    return m_context.signIns.redirectWithCode(pending, code);
}

ServerError UpstreamEndpoint::linkFailure(const QByteArray &why, const QString &linkedName)
{
    if (why == LinkFailure::OtherAccount)
        return SignInFlow::linkFailed(LinkFailure::OtherAccount,
                                      QStringLiteral("you signed in to a different account than the one %1 was to "
                                                     "join.")
                                          .arg(linkedName));
    if (why == LinkFailure::NoAccount)
        return SignInFlow::linkFailed(LinkFailure::NoAccount,
                                      QStringLiteral("that sign-in belongs to no account here."));
    return SignInFlow::linkFailed(LinkFailure::Expired,
                                  QStringLiteral("this sign-in was already used, or the link request expired. Start "
                                                 "again from the app."));
}

void UpstreamEndpoint::count(const QString &providerId, Metrics::SignIn outcome)
{
    m_context.metrics.countSignIn(providerId, outcome);
}

QHttpServerResponse UpstreamEndpoint::gone(const QString &providerId)
{
    QHttpServerResponse response = m_context.signIns.expiredOrUnavailable();
    count(providerId,
          response.statusCode() == Reply::Status::ServiceUnavailable ? Metrics::SignIn::Unavailable
                                                                     : Metrics::SignIn::Expired);
    return response;
}

QHttpServerResponse UpstreamEndpoint::failed(const QString &providerId, const QString &requestId,
                                             const ServerError &error)
{
    count(providerId, outcomeOf(error));
    return m_context.signIns.fail(requestId, error);
}
