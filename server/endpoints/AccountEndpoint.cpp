#include "AccountEndpoint.h"
#include "OnboardingTokenVerifier.h"
#include "ServerShared.h"

#include "AccountStore.h"
#include "BearerToken.h"
#include "ClaimNames.h"
#include "ClientRegistry.h"
#include "Clock.h"
#include "ErrorCodes.h"
#include "HttpServer.h"
#include "JsonBody.h"
#include "Jws.h"
#include "KeyStore.h"
#include "OnboardingStore.h"
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
#include <QUrlQuery>

#include <memory>

namespace {

constexpr int MaxNameLength = 200;
constexpr int MaxIdempotencyKeyLength = 200;

QString claim(const QJsonObject &claims, const char *name)
{
    return claims.value(QLatin1String(name)).toString();
}

// The body's shape (PROTOCOL.md 6.4), before anything is looked up.
std::optional<ServerError> checkBody(const QJsonObject &body)
{
    if (auto problem = JsonBody::missing(body,
                                         {OnboardField::OnboardingToken, OnboardField::CodeVerifier,
                                          OnboardField::ClientId, OnboardField::Username}))
        return problem;
    for (const char *name : {OnboardField::Name, OnboardField::AcceptedTerms}) {
        if (body.contains(QLatin1String(name)) && !body.value(QLatin1String(name)).isString())
            return ServerError::invalidRequest(QStringLiteral("%1 must be a string.").arg(QLatin1String(name)));
    }
    return std::nullopt;
}

Metrics::Onboarding outcomeOf(const ServerError &error)
{
    using O = Metrics::Onboarding;
    static const QHash<QByteArray, O> byCode{{ErrorCode::UsernameTaken, O::UsernameTaken},
                                             {ErrorCode::EmailInUse, O::EmailInUse},
                                             {ErrorCode::InvalidUsername, O::InvalidUsername},
                                             {ErrorCode::TermsNotAccepted, O::TermsNotAccepted},
                                             {ErrorCode::OnboardingAlreadyCompleted, O::AlreadyCompleted},
                                             {ErrorCode::SlowDown, O::RateLimited},
                                             {ErrorCode::TemporarilyUnavailable, O::Unavailable}};
    if (error.code == ErrorCode::InvalidToken) {
        const QString reason = error.extra.value(QLatin1String("reason")).toString();
        return reason == QLatin1String("expired") ? O::Expired
            : reason == QLatin1String("revoked")  ? O::Revoked
                                                  : O::InvalidToken;
    }
    return byCode.value(error.code, O::InvalidRequest);
}

} // namespace

AccountEndpoint::AccountEndpoint(ServerContext &context)
    : m_context(context)
    , m_checkLimiter(context.shared.usernameChecksPerToken)
    , m_onboardLimiter(context.shared.onboardsPerToken)
    , m_tokenVerifier(context)
{
}

void AccountEndpoint::registerRoutes(HttpServer &server)
{
    server.route(QStringLiteral("/api/account/username-check"), QHttpServerRequest::Method::Get,
                 [this](const QHttpServerRequest &r) { return usernameCheck(r); });
    server.route(QStringLiteral("/api/account/onboard"), QHttpServerRequest::Method::Post,
                 [this](const QHttpServerRequest &r) { return Reply::from(onboard(r), Reply::Status::Created); });
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
    const QByteArray compact = BearerToken::of(request);
    if (compact.isEmpty()) {
        ServerError missing = ServerError::invalidToken(
            QStringLiteral("An onboarding token is required as a Bearer token."));
        missing.bareChallenge = true;
        return Reply::error(missing);
    }
    const auto token = m_tokenVerifier.verify(compact, {});
    if (!token)
        return Reply::error(token.error());
    if (const int wait = m_checkLimiter.acquire(token->jti))
        return Reply::error(ServerError::slowDown(wait));
    return Reply::from(checkUsername(request.query(), token->claims));
}

Result<QJsonObject> AccountEndpoint::checkUsername(const QUrlQuery &query, const QJsonObject &claims)
{
    if (!query.hasQueryItem(QStringLiteral("username")))
        return ServerError::invalidRequest(QStringLiteral("username is missing."));
    const QString username = query.queryItemValue(QStringLiteral("username"), QUrl::FullyDecoded);
    auto reason = UsernameRules::check(username);
    if (reason == UsernameRules::Reason::Ok) {
        const auto taken = m_context.accounts.isUsernameTaken(username);
        if (!taken)
            return taken.error();
        if (*taken)
            reason = UsernameRules::Reason::Taken;
    }
    QJsonObject body{{QLatin1String("username"), username},
                     {QLatin1String("available"), reason == UsernameRules::Reason::Ok}};
    if (reason != UsernameRules::Reason::Ok) {
        body.insert(QLatin1String("reason"), UsernameRules::reasonCode(reason));
        body.insert(QLatin1String("suggestions"), QJsonArray::fromStringList(suggestionsFor(username, claims)));
    }
    return body;
}

Result<QJsonObject> AccountEndpoint::onboard(const QHttpServerRequest &request)
{
    bool replayed = false;
    auto result = attemptOnboard(request, &replayed);
    m_context.metrics.countOnboarding(!result        ? outcomeOf(result.error())
                                          : replayed ? Metrics::Onboarding::Replayed
                                                     : Metrics::Onboarding::Created);
    return result;
}

Result<QJsonObject> AccountEndpoint::attemptOnboard(const QHttpServerRequest &request, bool *replayed)
{
    const auto parsed = JsonBody::of(request);
    if (!parsed)
        return parsed.error();
    const QJsonObject &body = *parsed;
    if (const auto problem = checkBody(body))
        return *problem;
    const QString idempotencyKey = QString::fromUtf8(request.value(Protocol::IdempotencyKeyHeader)).trimmed();
    if (idempotencyKey.isEmpty() || idempotencyKey.size() > MaxIdempotencyKeyLength)
        return ServerError::invalidRequest(
            QStringLiteral("An Idempotency-Key header of up to 200 characters is required."));
    const auto token = m_tokenVerifier.verify(claim(body, OnboardField::OnboardingToken).toLatin1(),
                                              claim(body, OnboardField::ClientId));
    if (!token)
        return token.error();
    if (const int wait = m_onboardLimiter.acquire(token->jti))
        return ServerError::slowDown(wait);
    if (auto proved = OnboardingTokenVerifier::checkProof(*token, claim(body, OnboardField::CodeVerifier).toLatin1());
        !proved)
        return proved.error();
    return create(*token, body, idempotencyKey, replayed);
}

// What PROTOCOL.md 6.4 asks of the account before it is created.
std::optional<ServerError> AccountEndpoint::checkAccount(const Account &account, const QJsonObject &body)
{
    if (const auto reason = UsernameRules::check(account.username); reason != UsernameRules::Reason::Ok)
        return ServerError{ErrorCode::InvalidUsername,
                           QStringLiteral("The username breaks a rule (%1).").arg(UsernameRules::reasonCode(reason)),
                           400,
                           {{QStringLiteral("reason"), UsernameRules::reasonCode(reason)}}};
    const QString terms = m_context.config.termsVersion;
    if (!terms.isEmpty() && claim(body, OnboardField::AcceptedTerms) != terms)
        return ServerError{ErrorCode::TermsNotAccepted,
                           QStringLiteral("The current terms of service (version %1) must be accepted.").arg(terms),
                           400,
                           {{QLatin1String(OnboardField::TermsVersion), terms}}};
    if (account.name.size() > MaxNameLength)
        return ServerError::invalidRequest(QStringLiteral("name is longer than %1 characters.").arg(MaxNameLength));
    return std::nullopt;
}

Result<QJsonObject> AccountEndpoint::create(const OnboardingTokenVerifier::Token &token, const QJsonObject &body,
                                            const QString &idempotencyKey, bool *replayed)
{
    const QJsonObject &c = token.claims;
    const auto recorded = m_tokenVerifier.recordedGrant(token);
    if (!recorded)
        return recorded.error();
    // PROTOCOL.md 6.4: name is optional and defaults to the token's; blank counts as not given.
    const QString name = claim(body, OnboardField::Name).simplified();
    const Account wanted{QString(), claim(body, OnboardField::Username), name.isEmpty() ? claim(c, Claim::Name) : name,
                         recorded->email, recorded->emailVerified};
    OnboardingRequest request{token.jti,
                              idempotencyKey,
                              qint64(c.value(QLatin1String(Claim::Expiry)).toDouble()),
                              wanted,
                              recorded->identity,
                              token.clientId,
                              claim(c, Claim::Scope).isEmpty() ? QLatin1String(Protocol::DefaultScope)
                                                               : claim(c, Claim::Scope),
                              qint64(c.value(QLatin1String(Claim::AuthTime)).toDouble())};
    if (const auto problem = checkAccount(wanted, body))
        return *problem;
    const auto onboarded = m_context.onboardings.onboard(request);
    if (!onboarded)
        return explained(onboarded.error(), wanted, c,
                         recorded->redirectUri != QLatin1String(Protocol::DeviceCodeGrantType));
    *replayed = onboarded->replayed;
    return m_context.issuer.tokenResponse({onboarded->account, token.clientId, request.scope,
                                           onboarded->family.sessionId, claim(c, Claim::Nonce),
                                           claim(c, Claim::Provider), request.authTime, onboarded->refreshToken});
}

// The providers an account can sign in with under today's configuration.
QList<const ProviderDirectory::Entry *> AccountEndpoint::usableProvidersOf(const QString &accountId)
{
    return m_context.providers.usableFor(m_context.accounts.identitiesOf(accountId).value_or(QList<LinkedIdentity>()));
}

// The conflicts PROTOCOL.md 6.4 answers with more than a code: who holds
// the email, which names are free.
ServerError AccountEndpoint::explained(ServerError error, const Account &wanted, const QJsonObject &claims,
                                       bool linkable)
{
    if (error.code == ErrorCode::EmailInUse) {
        QJsonArray providers;
        const auto owner = m_context.accounts.findByVerifiedEmail(wanted.email);
        if (owner && *owner) {
            for (const auto *entry : usableProvidersOf((*owner)->id))
                providers.append(entry->name);
        }
        error.description = QStringLiteral("Another account already uses this email. Sign in with the provider you "
                                           "used for it.");
        error.with(QStringLiteral("providers"), providers);
        // PROTOCOL.md 6.5: linking needs a way into the existing account, and a
        // loopback redirect to confirm it: a device grant's client has none.
        if (!providers.isEmpty() && linkable)
            error.with(QStringLiteral("link_available"), true);
    } else if (error.code == ErrorCode::UsernameTaken) {
        error.with(QStringLiteral("suggestions"), QJsonArray::fromStringList(suggestionsFor(wanted.username, claims)));
    }
    return error;
}
