#include "SignInFlow.h"
#include "ClaimNames.h"

#include "Base64Url.h"
#include "Clock.h"
#include "DeviceGrantStore.h"
#include "ErrorCodes.h"
#include "FormData.h"
#include "LinkRequest.h"
#include "PageRenderer.h"
#include "Protocol.h"
#include "Reply.h"
#include "ServerLogging.h"
#include "TokenIssuer.h"
#include "TokenStore.h"

namespace {
bool isDeviceRedirect(const QString &redirectUri)
{
    return redirectUri == QLatin1String(Protocol::DeviceCodeGrantType);
}
} // namespace

SignInFlow::SignInFlow(SignInStore &store, const Clock &clock, TokenStore &tokens, const TokenIssuer &issuer,
                       DeviceGrantStore &devices)
    : m_store(store)
    , m_clock(clock)
    , m_tokens(tokens)
    , m_issuer(issuer)
    , m_devices(devices)
{
}

std::optional<SignInFlow::Pending> SignInFlow::find(const QString &requestId)
{
    auto found = m_store.find(requestId);
    m_readError.reset();
    if (!found) {
        m_readError = found.error();
        return std::nullopt;
    }
    return *found;
}

// PROTOCOL.md 4: the upstream's authentication time when it reports a
// plausible one, else now (the time it answered).
qint64 SignInFlow::authTimeOf(const UpstreamProfile &profile) const
{
    const qint64 now = m_clock.now();
    return profile.authTime > 0 && profile.authTime <= now ? profile.authTime : now;
}

AuthorizationGrant SignInFlow::grantFor(const Pending &p, const UpstreamProfile &profile) const
{
    return AuthorizationGrant{p.clientId,
                              p.redirectUri,
                              p.codeChallenge,
                              p.nonce,
                              p.scope,
                              profile.identity,
                              profile.email,
                              profile.emailVerified && !profile.email.isEmpty(),
                              profile.name,
                              profile.upstreamUsername,
                              authTimeOf(profile),
                              profile.qaFault,
                              {}};
}

QHttpServerResponse SignInFlow::completeClaimed(const Pending &p, const UpstreamProfile &profile, bool *issued)
{
    if (!p.deviceGrant.isEmpty())
        return approveDevice(p, profile, issued);
    const auto code = m_tokens.createCode(grantFor(p, profile));
    if (issued)
        *issued = bool(code);
    if (!code) // RFC 6749 4.1.2.1: the app says so and can start again
        return redirectError(p.redirectUri, p.state, code.error());
    return redirectWithCode(p, *code);
}

QHttpServerResponse SignInFlow::redirectWithCode(const Pending &p, const QByteArray &code) const
{
    return Reply::redirect(redirectUrl(p.redirectUri,
                                       {{QStringLiteral("code"), QString::fromLatin1(code)},
                                        {QStringLiteral("state"), p.state},
                                        {QStringLiteral("iss"), m_issuer.issuer()}}));
}

ServerError SignInFlow::linkFailed(const char *why, const QString &description)
{
    return ServerError{ErrorCode::AccessDenied,
                       QStringLiteral("Nothing was linked: %1").arg(description),
                       400,
                       {{QLatin1String(LinkErrorField), QLatin1String(why)}}};
}

QHttpServerResponse SignInFlow::fail(const QString &requestId, const ServerError &error)
{
    const auto pending = find(requestId);
    if (!pending)
        return expiredOrUnavailable();
    // Unsaved, the claim costs nothing: the app learns the error, and the sign-in expires.
    const auto claim = m_store.claim(requestId);
    if (claim && *claim == Claim::AlreadyFinished)
        return expired();
    return failClaimed(*pending, error);
}

// PROTOCOL.md 10: the code is the device code's (its hash the row's key,
// its challenge BASE64URL(SHA256(device_code)), no nonce), valid while the
// device code is; the grant and the code commit together.
QHttpServerResponse SignInFlow::approveDevice(const Pending &p, const UpstreamProfile &profile, bool *issued)
{
    if (issued)
        *issued = false;
    const auto grant = m_devices.find(p.deviceGrant);
    if (!grant)
        return unavailablePage(grant.error());
    const auto codeHash = Base64Url::decode(p.deviceGrant.toLatin1());
    if (!*grant || !codeHash)
        return devicePage(QStringLiteral("This code has expired"),
                          QStringLiteral("Nothing was signed in. Start signing in again on your device."),
                          Reply::Status::BadRequest);
    const AuthorizationGrant code = grantFor(p, profile);
    const auto approved = m_devices.approve(p.deviceGrant, [&] {
        return m_tokens.createDeviceCode(*codeHash, code, (*grant)->expiresAt);
    });
    if (!approved)
        return unavailablePage(approved.error());
    if (!*approved)
        return devicePage(QStringLiteral("This code was already used"),
                          QStringLiteral("This device sign-in was finished, refused or has expired meanwhile. "
                                         "Nothing more was signed in."),
                          Reply::Status::BadRequest);
    if (issued)
        *issued = true;
    qCInfo(lcDevice, "a device sign-in was approved at %s", qPrintable(profile.identity.providerId));
    return devicePage(QStringLiteral("You're signed in"),
                      QStringLiteral("Return to your device: the sign-in continues there by itself."));
}

QHttpServerResponse SignInFlow::endDevice(const Pending &p, const ServerError &error) const
{
    if (error.code != ErrorCode::AccessDenied)
        return devicePage(QStringLiteral("Signing in did not work"),
                          error.description
                              + QStringLiteral(" Your device is still waiting: enter its code again to try once "
                                               "more."),
                          error.isUnavailable() ? Reply::Status::ServiceUnavailable : Reply::Status::BadRequest);
    const auto denied = m_devices.deny(p.deviceGrant);
    if (!denied)
        return unavailablePage(denied.error());
    if (!*denied)
        return devicePage(QStringLiteral("This code was already used"),
                          QStringLiteral("This device sign-in was finished, refused or has expired meanwhile."),
                          Reply::Status::BadRequest);
    qCInfo(lcDevice, "a device sign-in was cancelled");
    return devicePage(QStringLiteral("Sign-in cancelled"),
                      QStringLiteral("Nothing was signed in, and your device was told so."));
}

QHttpServerResponse SignInFlow::failClaimed(const Pending &p, const ServerError &error) const
{
    if (!p.deviceGrant.isEmpty())
        return endDevice(p, error);
    if (p.linkId.isEmpty() || error.extra.contains(QLatin1String(LinkErrorField)))
        return redirectError(p.redirectUri, p.state, error);
    // PROTOCOL.md 6.5: a link sign-in that ended any other way linked nothing, and says so.
    ServerError linkError = error;
    const char *why = error.code == ErrorCode::AccessDenied             ? LinkFailure::Cancelled
        : error.isUnavailable() || error.code == ErrorCode::ServerError ? LinkFailure::Unavailable
                                                                        : LinkFailure::Failed;
    linkError.description += QStringLiteral(" Nothing was linked.");
    linkError.with(QLatin1String(LinkErrorField), QLatin1String(why));
    return redirectError(p.redirectUri, p.state, linkError);
}

QHttpServerResponse SignInFlow::redirectError(const QString &redirectUri, const QString &state,
                                              const ServerError &error) const
{
    // A device grant's sign-in has no app in this browser: the answer is a page.
    if (isDeviceRedirect(redirectUri))
        return devicePage(QStringLiteral("Signing in did not work"), error.description, Reply::Status::BadRequest);
    QList<std::pair<QString, QString>> fields{{QStringLiteral("error"), QString::fromLatin1(error.code)},
                                              {QStringLiteral("error_description"), error.description}};
    // docs/protocol-notes.md: why a link sign-in linked nothing.
    if (const QString why = error.extra.value(QLatin1String(LinkErrorField)).toString(); !why.isEmpty())
        fields.append({QLatin1String(LinkErrorField), why});
    if (!state.isEmpty())
        fields.append({QStringLiteral("state"), state});
    fields.append({QStringLiteral("iss"), m_issuer.issuer()});
    return Reply::redirect(redirectUrl(redirectUri, fields));
}

QUrl SignInFlow::returnTo(const QString &requestId)
{
    const auto pending = find(requestId);
    return pending ? QUrl(pending->redirectUri) : QUrl();
}

QHttpServerResponse SignInFlow::expiredOrUnavailable() const
{
    return m_readError ? unavailablePage(*m_readError) : expired();
}

QHttpServerResponse SignInFlow::unavailablePage(const ServerError &error)
{
    QHttpServerResponse response = errorPage(QStringLiteral("The server is busy"), error.description,
                                             Reply::Status::ServiceUnavailable);
    if (error.retryAfter > 0)
        response.addHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(error.retryAfter));
    return response;
}

QHttpServerResponse SignInFlow::expired()
{
    return errorPage(QStringLiteral("This sign-in has expired"),
                     QStringLiteral("Sign-in pages are valid for 10 minutes and for one use. "
                                    "Return to the app and sign in again."));
}

QHttpServerResponse SignInFlow::errorPage(const QString &heading, const QString &message,
                                          QHttpServerResponse::StatusCode status)
{
    return Reply::html(PageRenderer::page(QStringLiteral("error"), heading,
                                          {{QStringLiteral("heading"), heading}, {QStringLiteral("message"), message}}),
                       status);
}

QHttpServerResponse SignInFlow::devicePage(const QString &heading, const QString &message,
                                           QHttpServerResponse::StatusCode status)
{
    return Reply::html(PageRenderer::page(QStringLiteral("device-done"), heading,
                                          {{QStringLiteral("heading"), heading}, {QStringLiteral("message"), message}}),
                       status);
}

QUrl SignInFlow::redirectUrl(const QString &redirectUri, const QList<std::pair<QString, QString>> &fields) const
{
    QUrl url(redirectUri);
    url.setQuery(QString::fromLatin1(FormData::encode(fields)), QUrl::StrictMode);
    return url;
}
