#include "DeviceEndpoint.h"

#include "AuthorizeEndpoint.h"
#include "ClientForm.h"
#include "ClientRegistry.h"
#include "Clock.h"
#include "ErrorCodes.h"
#include "FormData.h"
#include "HttpServer.h"
#include "Metrics.h"
#include "PageRenderer.h"
#include "Protocol.h"
#include "Reply.h"
#include "SecureRandom.h"
#include "ServerContext.h"
#include "ServerLogging.h"
#include "ServerShared.h"
#include "SignInFlow.h"
#include "TokenIssuer.h"
#include "TrustedProxies.h"

#include <QNetworkCookie>
#include <QSet>
#include <QUrlQuery>

namespace {

using Method = QHttpServerRequest::Method;
using Fields = QHash<QString, QString>;
using Status = Reply::Status;

// The per-browser token of the confirmation form (double submit): a
// cross-site form cannot read it, and a SameSite=Strict cookie is not sent
// with a cross-site post.
const QByteArray CsrfCookie = QByteArrayLiteral("latchkey_device");
constexpr int CsrfBytes = 24;
constexpr qsizetype MaxTypedCode = 32;
constexpr qsizetype MaxScope = 512;
const QString ConfirmPath = QStringLiteral("/device/confirm");

Fields formOf(const QHttpServerRequest &request)
{
    QString duplicate;
    return FormData::parse(request.body(), &duplicate).value_or(Fields());
}

QByteArray cookieValue(const QHttpServerRequest &request, const QByteArray &name)
{
    for (const QByteArray &pair : request.value(QByteArrayLiteral("Cookie")).split(';')) {
        const qsizetype equals = pair.indexOf('=');
        if (equals > 0 && pair.left(equals).trimmed() == name)
            return pair.mid(equals + 1).trimmed();
    }
    return {};
}

QByteArray csrfCookie(const QByteArray &value, bool secure, qint64 maxAge)
{
    QNetworkCookie cookie(CsrfCookie, value);
    cookie.setPath(QLatin1String(Protocol::DeviceVerificationPath));
    cookie.setHttpOnly(true);
    cookie.setSecure(secure);
#if QT_VERSION >= QT_VERSION_CHECK(6, 1, 0)
    cookie.setSameSitePolicy(QNetworkCookie::SameSite::Strict);
#endif
    return cookie.toRawForm() + "; Max-Age=" + QByteArray::number(maxAge);
}

// A sentence the page announces (role="alert") and the field refers to.
QString messageHtml(const QString &text)
{
    return text.isEmpty()
        ? QString()
        : QStringLiteral("<p id=\"device-message\" class=\"error\" role=\"alert\">%1</p>").arg(PageRenderer::escape(text));
}

// What /authorize accepts (PROTOCOL.md 4): known scopes, openid among them.
std::optional<ServerError> checkScope(const QString &scope)
{
    static const QSet<QString> knownScopes{QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email"),
                                           QStringLiteral("offline_access")};
    if (scope.size() > MaxScope)
        return ServerError::invalidRequest(QStringLiteral("scope is longer than 512 characters."));
    const QStringList scopes = scope.split(u' ', Qt::SkipEmptyParts);
    for (const QString &name : scopes) {
        if (!knownScopes.contains(name))
            return ServerError{ErrorCode::InvalidScope, QStringLiteral("Unknown scope \"%1\".").arg(name), 400};
    }
    if (!scopes.contains(QLatin1String("openid")))
        return ServerError{ErrorCode::InvalidScope, QStringLiteral("The scope must include openid."), 400};
    return std::nullopt;
}

} // namespace

DeviceEndpoint::DeviceEndpoint(ServerContext &context)
    : m_context(context)
{
}

void DeviceEndpoint::registerRoutes(HttpServer &server)
{
    server.route(QLatin1String(Protocol::DeviceAuthorizationPath), Method::Post,
                 [this](const QHttpServerRequest &r) { return Reply::from(authorize(r)); });
    server.route(QLatin1String(Protocol::DeviceVerificationPath), Method::Get, [this](const QHttpServerRequest &r) {
        // From verification_uri_complete: the code is filled in, not yet checked.
        const QString typed = QUrlQuery(r.url()).queryItemValue(QStringLiteral("user_code"), QUrl::FullyDecoded);
        return entryPage(typed.left(MaxTypedCode), {}, Status::Ok);
    });
    server.route(QLatin1String(Protocol::DeviceVerificationPath), Method::Post,
                 [this](const QHttpServerRequest &r) { return enterCode(r); });
    server.route(ConfirmPath, Method::Post, [this](const QHttpServerRequest &r) { return confirm(r); });
}

QString DeviceEndpoint::clientKey(const QHttpServerRequest &request) const
{
    return TrustedProxies::key(m_context.proxies.clientOf(request));
}

// RFC 8628 3.1 and 3.2.
Result<QJsonObject> DeviceEndpoint::authorize(const QHttpServerRequest &request)
{
    const auto fields = ClientForm::of(request, m_context.clients);
    if (!fields)
        return fields.error();
    const QString clientId = fields->value(QStringLiteral("client_id"));
    const QString scope = fields->value(QStringLiteral("scope")).split(u' ', Qt::SkipEmptyParts).join(u' ');
    if (const auto problem = checkScope(scope))
        return *problem;
    const auto created = m_context.devices.create(clientId, scope);
    if (!created)
        return created.error();
    m_context.metrics.countDeviceGrant(Metrics::DeviceGrant::Started);
    qCInfo(lcDevice, "a device sign-in started for %s", qPrintable(clientId));
    const QString verification = m_context.issuer.issuer() + QLatin1String(Protocol::DeviceVerificationPath);
    QUrl complete(verification);
    complete.setQuery(QStringLiteral("user_code=") + created->userCode);
    return QJsonObject{{QLatin1String("device_code"), QString::fromLatin1(created->deviceCode)},
                       {QLatin1String("user_code"), created->userCode},
                       {QLatin1String("verification_uri"), verification},
                       {QLatin1String("verification_uri_complete"), complete.toString()},
                       {QLatin1String("expires_in"), created->expiresIn},
                       {QLatin1String("interval"), created->interval}};
}

QHttpServerResponse DeviceEndpoint::entryPage(const QString &userCode, const QString &message,
                                              QHttpServerResponse::StatusCode status)
{
    return Reply::html(PageRenderer::page(QStringLiteral("device"), QStringLiteral("Sign in on another device"),
                                          {{QStringLiteral("user_code"), userCode},
                                           {QStringLiteral("message"), messageHtml(message)},
                                           {QStringLiteral("described_by"),
                                            message.isEmpty() ? QStringLiteral("user_code_hint")
                                                              : QStringLiteral("device-message user_code_hint")},
                                           {QStringLiteral("invalid"),
                                            message.isEmpty() ? QString() : QStringLiteral(" aria-invalid=\"true\"")}}),
                       status);
}

std::variant<DeviceGrant, QHttpServerResponse> DeviceEndpoint::grantOfCode(const QHttpServerRequest &request,
                                                                           const QString &typed)
{
    const QString key = clientKey(request);
    if (const int wait = m_context.shared.wrongUserCodes.wait(key)) {
        m_context.metrics.countDeviceGrant(Metrics::DeviceGrant::RateLimited);
        QHttpServerResponse limited
            = entryPage({},
                        QStringLiteral("Too many wrong codes were entered from your network. Try again in %1 minutes.")
                            .arg(std::max(1, (wait + 59) / 60)),
                        Status::TooManyRequests);
        limited.addHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(wait));
        return limited;
    }
    const QString shown = typed.left(MaxTypedCode);
    // A typo of length or letters is not a guess: it is not counted.
    if (DeviceGrantStore::normalizeUserCode(typed).isEmpty())
        return entryPage(shown, QStringLiteral("A code has 8 letters, like BCDF-GHJK. Check the code on your device."),
                         Status::BadRequest);
    const auto grant = m_context.devices.findByUserCode(typed);
    if (!grant)
        return SignInFlow::unavailablePage(grant.error());
    if (!*grant || (*grant)->status != DeviceGrant::Status::Pending) {
        m_context.shared.wrongUserCodes.acquire(key);
        m_context.metrics.countDeviceGrant(Metrics::DeviceGrant::WrongCode);
        qCDebug(lcDevice, "a wrong or spent user code was entered");
        return entryPage(shown,
                         QStringLiteral("That code is not valid: it may be mistyped, used already or expired. Check "
                                        "the code on your device, or start signing in there again."),
                         Status::BadRequest);
    }
    return **grant;
}

QHttpServerResponse DeviceEndpoint::enterCode(const QHttpServerRequest &request)
{
    const QString typed = formOf(request).value(QStringLiteral("user_code"));
    auto found = grantOfCode(request, typed);
    if (auto *answer = std::get_if<QHttpServerResponse>(&found))
        return std::move(*answer);
    const DeviceGrant &grant = std::get<DeviceGrant>(found);
    const QByteArray csrf = SecureRandom::token(CsrfBytes);
    QHttpServerResponse page = confirmPage(grant, typed, QString::fromLatin1(csrf), {}, Status::Ok);
    const bool secure = m_context.issuer.issuer().startsWith(QLatin1String("https:"));
    page.addHeader(QByteArrayLiteral("Set-Cookie"), csrfCookie(csrf, secure, Protocol::DeviceCodeLifetimeSeconds));
    return page;
}

QHttpServerResponse DeviceEndpoint::confirmPage(const DeviceGrant &grant, const QString &userCode, const QString &csrf,
                                                const QString &message, QHttpServerResponse::StatusCode status)
{
    const QString normalized = DeviceGrantStore::normalizeUserCode(userCode);
    return Reply::html(PageRenderer::page(QStringLiteral("device-confirm"), QStringLiteral("Confirm the sign-in"),
                                          {{QStringLiteral("client"), m_context.clients.displayName(grant.clientId)},
                                           {QStringLiteral("user_code"), normalized.left(4) + u'-' + normalized.mid(4)},
                                           {QStringLiteral("csrf"), csrf},
                                           {QStringLiteral("message"), messageHtml(message)},
                                           {QStringLiteral("invalid"),
                                            message.isEmpty() ? QString() : QStringLiteral(" aria-invalid=\"true\"")}}),
                       status);
}

QHttpServerResponse DeviceEndpoint::confirm(const QHttpServerRequest &request)
{
    const Fields form = formOf(request);
    const QByteArray csrf = form.value(QStringLiteral("csrf")).toLatin1();
    const QByteArray expected = cookieValue(request, CsrfCookie);
    if (csrf.isEmpty() || expected.isEmpty() || csrf != expected) {
        qCInfo(lcDevice, "a device confirmation without this browser's token was refused");
        return entryPage({},
                         QStringLiteral("This confirmation did not come from this server's page in this browser. "
                                        "Enter the code from your device again."),
                         Status::Forbidden);
    }
    const QString typed = form.value(QStringLiteral("user_code"));
    auto found = grantOfCode(request, typed);
    if (auto *answer = std::get_if<QHttpServerResponse>(&found))
        return std::move(*answer);
    const DeviceGrant &grant = std::get<DeviceGrant>(found);
    const QString action = form.value(QStringLiteral("action"));
    if (action == QLatin1String("deny")) {
        const auto denied = m_context.devices.deny(grant.key);
        if (!denied)
            return SignInFlow::unavailablePage(denied.error());
        if (!*denied) // another browser finished or refused it meanwhile
            return SignInFlow::devicePage(QStringLiteral("This code was already used"),
                                          QStringLiteral("This device sign-in was finished, refused or has expired "
                                                         "meanwhile."),
                                          Status::BadRequest);
        m_context.metrics.countDeviceGrant(Metrics::DeviceGrant::Denied);
        qCInfo(lcDevice, "a device sign-in was denied at its confirmation");
        return SignInFlow::devicePage(QStringLiteral("Sign-in denied"),
                                      QStringLiteral("Nothing was signed in, and the device was told so. If someone "
                                                     "asked you to enter this code, do not enter it again."));
    }
    if (action != QLatin1String("continue") || form.value(QStringLiteral("confirm")) != QLatin1String("yes"))
        return confirmPage(grant, typed, QString::fromLatin1(csrf),
                           QStringLiteral("To continue, confirm that you started this sign-in on your device; or "
                                          "choose Deny."),
                           Status::BadRequest);
    return continueToSignIn(request, grant);
}

// A sign-in as /authorize starts one, whose end approves the grant instead of
// returning to an app: its redirect URI is the grant type (never a place to
// go), its PKCE challenge the device code's, and it has no state or nonce.
QHttpServerResponse DeviceEndpoint::continueToSignIn(const QHttpServerRequest &request, const DeviceGrant &grant)
{
    PendingSignIn pending;
    pending.clientId = grant.clientId;
    pending.redirectUri = QLatin1String(Protocol::DeviceCodeGrantType);
    pending.state = QStringLiteral("");
    pending.nonce = QStringLiteral("");
    pending.codeChallenge = grant.key;
    pending.scope = grant.scope;
    pending.createdAt = m_context.clock.now();
    pending.clientAddress = clientKey(request);
    pending.deviceGrant = grant.key;
    const auto added = m_context.signIns.store().add(pending);
    if (!added)
        return SignInFlow::unavailablePage(added.error());
    return AuthorizeEndpoint::signInPage(m_context, *added);
}
