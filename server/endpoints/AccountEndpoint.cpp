#include "AccountEndpoint.h"

#include "AccountStore.h"
#include "ClaimNames.h"
#include "ClientRegistry.h"
#include "Clock.h"
#include "Database.h"
#include "HttpServer.h"
#include "Jws.h"
#include "KeyStore.h"
#include "Pkce.h"
#include "Protocol.h"
#include "ProviderDirectory.h"
#include "Reply.h"
#include "ServerConfig.h"
#include "ServerContext.h"
#include "TokenIssuer.h"
#include "TokenStore.h"
#include "UsernameRules.h"
#include "UsernameSuggester.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <memory>

namespace {

using Status = Reply::Status;
constexpr int MaxNameLength = 200;
constexpr int MaxIdempotencyKeyLength = 200;

QString claim(const QJsonObject &claims, const char *name)
{
    return claims.value(QLatin1String(name)).toString();
}

QHttpServerResponse invalidRequest(const QString &description)
{
    return Reply::error(Status::BadRequest, QStringLiteral("invalid_request"), description);
}

QHttpServerResponse invalidToken(const QString &reason)
{
    auto response = Reply::error(Status::Unauthorized, QStringLiteral("invalid_token"),
                                 QStringLiteral("The onboarding token is not valid (%1).").arg(reason),
                                 {{QLatin1String("reason"), reason}});
    response.addHeader(QByteArrayLiteral("WWW-Authenticate"),
                       QByteArrayLiteral("Bearer error=\"invalid_token\", error_description=\"") + reason.toLatin1()
                           + '"');
    return response;
}

QHttpServerResponse slowDown(int retryAfter)
{
    auto response = Reply::error(Status::TooManyRequests, QStringLiteral("slow_down"),
                                 QStringLiteral("Too many attempts; try again in %1 seconds.").arg(retryAfter));
    response.addHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(retryAfter));
    return response;
}

QHttpServerResponse conflict(const QString &error, const QString &description, const QJsonObject &extra = {})
{
    return Reply::error(Status::Conflict, error, description, extra);
}

QByteArray bearerToken(const QHttpServerRequest &request)
{
    const QByteArray header = request.value(QByteArrayLiteral("Authorization")).trimmed();
    if (!header.toLower().startsWith("bearer "))
        return {};
    return header.mid(7).trimmed();
}

bool isJson(const QHttpServerRequest &request)
{
    const QByteArray type = request.value(QByteArrayLiteral("Content-Type")).split(';').value(0).trimmed().toLower();
    return type == "application/json";
}

QString reasonFor(Jws::Error error)
{
    switch (error) {
    case Jws::Error::TooLarge:
    case Jws::Error::Malformed:
        return QStringLiteral("malformed");
    case Jws::Error::WrongType:
        return QStringLiteral("type");
    default:
        return QStringLiteral("signature");
    }
}

bool audienceContains(const QJsonValue &aud, const QString &clientId)
{
    if (aud.isArray())
        return aud.toArray().contains(clientId);
    return aud.toString() == clientId;
}

// The database could not be written (a full disk): nothing was created, and
// the wizard's retry with the same Idempotency-Key may succeed.
QHttpServerResponse notSaved()
{
    return Reply::unavailable(QStringLiteral("The account could not be saved; try again."));
}

QHttpServerResponse onboardingConflict()
{
    return conflict(QStringLiteral("onboarding_already_completed"),
                    QStringLiteral("This sign-in was already used to create an account. Sign in again."));
}

} // namespace

AccountEndpoint::AccountEndpoint(ServerContext &context)
    : m_context(context)
    , m_checkLimiter(context.clock, context.config.usernameChecksPerMinute)
    , m_onboardLimiter(context.clock, context.config.onboardAttemptsPerMinute)
{
}

void AccountEndpoint::registerRoutes(HttpServer &server)
{
    server.route(QStringLiteral("/api/account/username-check"), QHttpServerRequest::Method::Get,
                 [this](const QHttpServerRequest &r) { return usernameCheck(r); });
    server.routeDeferred(QStringLiteral("/api/account/onboard"), QHttpServerRequest::Method::Post,
                         [this](const QHttpServerRequest &r, const HttpServer::Responder &respond) {
                             onboardDeferred(r, respond);
                         });
}

QaFaults::Fault AccountEndpoint::faultOf(const Onboarding &token) const
{
    return QaFaults::honoured(m_context.config.qaMode, claim(token.claims, Claim::QaFault));
}

bool AccountEndpoint::strikesFirstTime(const Onboarding &token)
{
    if (m_struckOnce.contains(token.jti))
        return false;
    m_struckOnce.insert(token.jti);
    return true;
}

void AccountEndpoint::onboardDeferred(const QHttpServerRequest &request, const HttpServer::Responder &respond)
{
    Onboarding token;
    auto response = onboard(request, &token);
    const QaFaults::Fault fault = faultOf(token);
    // The account exists now; the app's retry with the same Idempotency-Key
    // must find it through the idempotent replay.
    if (fault == QaFaults::Fault::OnboardResponseLost && response.statusCode() == Status::Created
        && strikesFirstTime(token))
        return respond(std::nullopt);
    if (fault != QaFaults::Fault::OnboardSlow)
        return respond(std::move(response));
    auto late = std::make_shared<QHttpServerResponse>(std::move(response));
    // Precise: a coarse timer may fire up to 5 % early, and the tester was promised 5 s.
    QTimer::singleShot(QaFaults::SlowOnboardMs, Qt::PreciseTimer, &m_lateAnswers,
                       [late, respond] { respond(std::move(*late)); });
}

QString AccountEndpoint::verify(const QByteArray &compact, const QString &audience, Onboarding *token)
{
    const auto result = Jws::verify(compact, m_context.keys.publishedKeys(),
                                    QStringList{QLatin1String(Protocol::TypOnboardingToken)});
    if (!result.ok())
        return reasonFor(result.error);
    const QJsonObject &c = result.payload;
    if (claim(c, Claim::Issuer) != m_context.issuer.issuer())
        return QStringLiteral("issuer");
    const QString clientId = audience.isEmpty() ? claim(c, Claim::Audience) : audience;
    if (!m_context.clients.isKnown(clientId) || !audienceContains(c.value(QLatin1String(Claim::Audience)), clientId))
        return QStringLiteral("audience");
    if (qint64(c.value(QLatin1String(Claim::Expiry)).toDouble()) < m_context.clock.now())
        return QStringLiteral("expired");
    const QString jti = claim(c, Claim::JwtId);
    if (jti.isEmpty() || claim(c, Claim::CodeChallenge).isEmpty() || claim(c, Claim::ProviderUserId).isEmpty())
        return QStringLiteral("malformed");
    const auto record = m_context.tokens.onboarding(jti);
    if (record && record->revoked)
        return QStringLiteral("revoked");
    *token = Onboarding{c, jti, clientId};
    return {};
}

QStringList AccountEndpoint::suggestionsFor(const QString &wanted, const QJsonObject &claims)
{
    return m_context.suggester.suggestions(wanted,
                                           {claim(claims, Claim::PreferredUsername), claim(claims, Claim::Name),
                                            claim(claims, Claim::Email).section(u'@', 0, 0)},
                                           Protocol::MaxUsernameSuggestions);
}

QHttpServerResponse AccountEndpoint::usernameCheck(const QHttpServerRequest &request)
{
    const QByteArray compact = bearerToken(request);
    if (compact.isEmpty()) {
        auto response = Reply::error(Status::Unauthorized, QStringLiteral("invalid_token"),
                                     QStringLiteral("An onboarding token is required as a Bearer token."));
        response.addHeader(QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer realm=\"latchkey\""));
        return response;
    }
    Onboarding token;
    if (const QString reason = verify(compact, {}, &token); !reason.isEmpty())
        return invalidToken(reason);
    if (faultOf(token) == QaFaults::Fault::UsernameCheckDown)
        return QaFaults::unavailable(QStringLiteral("The username check is down."));
    if (const int wait = m_checkLimiter.acquire(token.jti))
        return slowDown(wait);
    const auto query = request.query();
    if (!query.hasQueryItem(QStringLiteral("username")))
        return invalidRequest(QStringLiteral("username is missing."));
    const QString username = query.queryItemValue(QStringLiteral("username"), QUrl::FullyDecoded);
    auto reason = UsernameRules::check(username);
    if (reason == UsernameRules::Reason::Ok && m_context.accounts.isUsernameTaken(username))
        reason = UsernameRules::Reason::Taken;
    QJsonObject body{{QLatin1String("username"), username},
                     {QLatin1String("available"), reason == UsernameRules::Reason::Ok}};
    if (reason != UsernameRules::Reason::Ok) {
        body.insert(QLatin1String("reason"), UsernameRules::reasonCode(reason));
        body.insert(QLatin1String("suggestions"), QJsonArray::fromStringList(suggestionsFor(username, token.claims)));
    }
    return Reply::json(body);
}

QHttpServerResponse AccountEndpoint::onboard(const QHttpServerRequest &request, Onboarding *verified)
{
    if (!isJson(request))
        return invalidRequest(QStringLiteral("The body must be application/json."));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return invalidRequest(QStringLiteral("The body is not a JSON object."));
    const QJsonObject body = doc.object();
    for (const char *name :
         {OnboardField::OnboardingToken, OnboardField::CodeVerifier, OnboardField::ClientId, OnboardField::Username}) {
        if (!body.value(QLatin1String(name)).isString() || claim(body, name).isEmpty())
            return invalidRequest(QStringLiteral("%1 is missing.").arg(QLatin1String(name)));
    }
    for (const char *name : {OnboardField::Name, OnboardField::AcceptedTerms}) {
        if (body.contains(QLatin1String(name)) && !body.value(QLatin1String(name)).isString())
            return invalidRequest(QStringLiteral("%1 must be a string.").arg(QLatin1String(name)));
    }
    const QString idempotencyKey = QString::fromUtf8(request.value(Protocol::IdempotencyKeyHeader)).trimmed();
    if (idempotencyKey.isEmpty() || idempotencyKey.size() > MaxIdempotencyKeyLength)
        return invalidRequest(QStringLiteral("An Idempotency-Key header of up to 200 characters is required."));

    Onboarding token;
    if (const QString reason = verify(claim(body, OnboardField::OnboardingToken).toLatin1(),
                                      claim(body, OnboardField::ClientId), &token);
        !reason.isEmpty())
        return invalidToken(reason);
    *verified = token;
    if (const int wait = m_onboardLimiter.acquire(token.jti))
        return slowDown(wait);
    if (faultOf(token) == QaFaults::Fault::Onboard503Once && strikesFirstTime(token))
        return QaFaults::unavailable(QStringLiteral("The account service is busy; try again."));
    if (!Pkce::matches(claim(body, OnboardField::CodeVerifier).toLatin1(),
                       claim(token.claims, Claim::CodeChallenge).toLatin1()))
        return invalidToken(QStringLiteral("proof"));
    if (const auto record = m_context.tokens.onboarding(token.jti)) {
        if (record->idempotencyKey == idempotencyKey)
            return replay(token, record->accountId, record->familyId, idempotencyKey);
        return onboardingConflict();
    }
    return create(token, body, idempotencyKey);
}

QHttpServerResponse AccountEndpoint::create(const Onboarding &token, const QJsonObject &body,
                                            const QString &idempotencyKey)
{
    const QJsonObject &c = token.claims;
    const UpstreamIdentity identity{claim(c, Claim::ProviderId), claim(c, Claim::ProviderUserId)};
    if (m_context.accounts.findByIdentity(identity))
        return onboardingConflict();
    // PROTOCOL.md 6.4: name is optional and defaults to the token's; blank counts as not given.
    const QString name = claim(body, OnboardField::Name).simplified();
    Account account{QString(), claim(body, OnboardField::Username), name.isEmpty() ? claim(c, Claim::Name) : name,
                    claim(c, Claim::Email), c.value(QLatin1String(Claim::EmailVerified)).toBool()};
    if (const auto reason = UsernameRules::check(account.username); reason != UsernameRules::Reason::Ok)
        return Reply::error(Status::BadRequest, QStringLiteral("invalid_username"),
                            QStringLiteral("The username breaks a rule (%1).").arg(UsernameRules::reasonCode(reason)),
                            {{QLatin1String("reason"), UsernameRules::reasonCode(reason)}});
    const QString terms = m_context.config.termsVersion;
    if (!terms.isEmpty() && claim(body, OnboardField::AcceptedTerms) != terms)
        return Reply::error(Status::BadRequest, QStringLiteral("terms_not_accepted"),
                            QStringLiteral("The current terms of service (version %1) must be accepted.").arg(terms),
                            {{QLatin1String(OnboardField::TermsVersion), terms}});
    if (account.name.size() > MaxNameLength)
        return invalidRequest(QStringLiteral("name is longer than %1 characters.").arg(MaxNameLength));

    auto emailInUse = [&]() {
        QJsonArray providers;
        if (const auto owner = m_context.accounts.findByVerifiedEmail(account.email)) {
            for (const QString &key : m_context.accounts.providersOf(owner->id))
                providers.append(m_context.providers.displayName(key));
        }
        return conflict(QStringLiteral("email_in_use"),
                        QStringLiteral("Another account already uses this email. Sign in with the provider you "
                                       "used for it."),
                        {{QLatin1String("providers"), providers}});
    };
    auto taken = [&]() {
        return conflict(QStringLiteral("username_taken"), QStringLiteral("This username is taken."),
                        {{QLatin1String("suggestions"),
                          QJsonArray::fromStringList(suggestionsFor(account.username, c))}});
    };
    if (account.emailVerified && m_context.accounts.findByVerifiedEmail(account.email))
        return emailInUse();
    if (m_context.accounts.isUsernameTaken(account.username))
        return taken();

    Transaction transaction(m_context.db);
    if (!transaction.isOpen())
        return notSaved();
    switch (m_context.accounts.create(account, identity)) {
    case AccountStore::CreateResult::Created:
        break;
    case AccountStore::CreateResult::UsernameTaken:
        // The winner of a race may be this very sign-in, onboarded at once
        // through another instance (another Idempotency-Key): not a name clash.
        return m_context.accounts.findByIdentity(identity) ? onboardingConflict() : taken();
    case AccountStore::CreateResult::EmailInUse:
        return emailInUse();
    case AccountStore::CreateResult::IdentityLinked:
        return onboardingConflict();
    case AccountStore::CreateResult::Failed:
        return notSaved();
    }
    auto response = issue(account, token, idempotencyKey);
    if (response.statusCode() == Status::Created && !transaction.commit())
        return notSaved();
    return response;
}

QHttpServerResponse AccountEndpoint::replay(const Onboarding &token, const QString &accountId,
                                            const QString &previousFamily, const QString &idempotencyKey)
{
    // The same wizard retrying after a lost response: same account, fresh
    // tokens, and the lost ones revoked.
    const auto account = m_context.accounts.findById(accountId);
    if (!account)
        return onboardingConflict();
    Transaction transaction(m_context.db);
    if (!transaction.isOpen() || !m_context.tokens.revokeFamily(previousFamily))
        return notSaved();
    auto response = issue(*account, token, idempotencyKey);
    if (response.statusCode() == Status::Created && !transaction.commit())
        return notSaved();
    return response;
}

QHttpServerResponse AccountEndpoint::issue(const Account &account, const Onboarding &token,
                                           const QString &idempotencyKey)
{
    const QJsonObject &c = token.claims;
    const QString scope = claim(c, Claim::Scope).isEmpty() ? QLatin1String(Protocol::DefaultScope)
                                                           : claim(c, Claim::Scope);
    const qint64 authTime = qint64(c.value(QLatin1String(Claim::AuthTime)).toDouble());
    const bool offline = scope.split(u' ').contains(QLatin1String("offline_access"));
    QByteArray refresh;
    const auto family = m_context.tokens.createFamily(account.id, token.clientId, scope, authTime,
                                                      offline ? &refresh : nullptr);
    const qint64 expiresAt = qint64(c.value(QLatin1String(Claim::Expiry)).toDouble());
    if (!family
        || !m_context.tokens.recordOnboarding(token.jti, {account.id, idempotencyKey, family->id, false}, expiresAt))
        return notSaved();
    return Reply::json(m_context.issuer.tokenResponse({account, token.clientId, scope, family->sessionId,
                                                       claim(c, Claim::Nonce), claim(c, Claim::Provider), authTime,
                                                       refresh}),
                       Status::Created);
}
