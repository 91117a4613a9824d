#include "QaFaultHook.h"
#include "ServerShared.h"

#include "BearerToken.h"
#include "ClaimNames.h"
#include "FormData.h"
#include "Jws.h"
#include "KeyStore.h"
#include "Protocol.h"
#include "Reply.h"
#include "ServerConfig.h"
#include "ServerContext.h"
#include "ServerLogging.h"
#include "TokenIssuer.h"
#include "TokenStore.h"

#include <QJsonDocument>
#include <QTimer>

namespace {

using Status = QHttpServerResponse::StatusCode;

QByteArray onboardingTokenOf(const QHttpServerRequest &request)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body()).object();
    return body.value(QLatin1String(OnboardField::OnboardingToken)).toString().toLatin1();
}

} // namespace

QaFaultHook::QaFaultHook(ServerContext &context)
    : m_context(context)
{
}

void QaFaultHook::install(HttpServer &server)
{
    server.filter(QStringLiteral("/token"), [this](const QHttpServerRequest &request, QHttpServerResponse &&response) {
        return token(request, std::move(response));
    });
    server.filter(QStringLiteral("/api/account/username-check"),
                  [this](const QHttpServerRequest &request, QHttpServerResponse &&response) {
                      return usernameCheck(request, std::move(response));
                  });
    server.wrap(QStringLiteral("/api/account/onboard"),
                [this](const QHttpServerRequest &request, const HttpServer::Responder &respond,
                       const HttpServer::Proceed &proceed) { onboard(request, respond, proceed); });
}

QaFaults::Fault QaFaultHook::faultOf(const QByteArray &onboardingToken, QString *jti) const
{
    if (onboardingToken.isEmpty())
        return QaFaults::Fault::None;
    const auto verified = Jws::verify(onboardingToken, m_context.keys.publishedKeys(),
                                      QStringList{QLatin1String(Protocol::TypOnboardingToken)});
    if (!verified.ok())
        return QaFaults::Fault::None;
    if (jti)
        *jti = verified.payload.value(QLatin1String(Claim::JwtId)).toString();
    return QaFaults::honoured(m_context.config.qaMode, verified.payload.value(QLatin1String(Claim::QaFault)).toString());
}

QHttpServerResponse QaFaultHook::token(const QHttpServerRequest &request, QHttpServerResponse &&response)
{
    if (response.statusCode() != Status::Ok)
        return std::move(response);
    QString duplicate;
    const auto fields = FormData::parse(request.body(), &duplicate);
    // A device's poll redeems the code its approval made, under the device code (PROTOCOL.md 10).
    const bool device = fields
        && fields->value(QStringLiteral("grant_type")) == QLatin1String(Protocol::DeviceCodeGrantType);
    const QByteArray code = fields
        ? fields->value(device ? QStringLiteral("device_code") : QStringLiteral("code")).toLatin1()
        : QByteArray();
    if (code.isEmpty())
        return std::move(response);
    const QString fault = m_context.tokens.qaFaultOfCode(code);
    switch (QaFaults::honoured(m_context.config.qaMode, fault)) {
    case QaFaults::Fault::None:
        return std::move(response);
    case QaFaults::Fault::TokenEndpointDown:
        qCInfo(lcQa, "token-endpoint-down: a redeemed code is answered 503");
        return Reply::error(QaFaults::unavailable(QStringLiteral("The token endpoint is down.")));
    default:
        return withFaultClaim(std::move(response), fault);
    }
}

// The onboarding token is signed again with the fault's claim: same jti
// (the code recorded it), same onboarding claims.
QHttpServerResponse QaFaultHook::withFaultClaim(QHttpServerResponse &&response, const QString &fault)
{
    QJsonObject answer = QJsonDocument::fromJson(response.data()).object();
    const QByteArray token = answer.value(QLatin1String(TokenField::OnboardingToken)).toString().toLatin1();
    const auto verified = Jws::verify(token, m_context.keys.publishedKeys(),
                                      QStringList{QLatin1String(Protocol::TypOnboardingToken)});
    if (!verified.ok())
        return std::move(response);
    QJsonObject claims = verified.payload;
    const QString clientId = claims.value(QLatin1String(Claim::Audience)).toString();
    for (const char *standard : {Claim::Issuer, Claim::Audience, Claim::IssuedAt, Claim::Expiry})
        claims.remove(QLatin1String(standard));
    claims.insert(QLatin1String(Claim::QaFault), fault);
    const int lifetime = QaFaults::honoured(true, fault) == QaFaults::Fault::OnboardingExpires30s
        ? QaFaults::ShortOnboardingLifetime
        : Protocol::OnboardingTokenLifetimeSeconds;
    answer.insert(QLatin1String(TokenField::OnboardingToken),
                  QString::fromLatin1(m_context.issuer.signOnboardingToken(claims, clientId, lifetime)));
    answer.insert(QLatin1String(TokenField::ExpiresIn), lifetime);
    return Reply::json(answer);
}

QHttpServerResponse QaFaultHook::usernameCheck(const QHttpServerRequest &request, QHttpServerResponse &&response)
{
    // A token the endpoint turned down keeps its 401: the fault is the check's, not the token's.
    if (response.statusCode() == Status::Unauthorized
        || faultOf(BearerToken::of(request)) != QaFaults::Fault::UsernameCheckDown)
        return std::move(response);
    return Reply::error(QaFaults::unavailable(QStringLiteral("The username check is down.")));
}

void QaFaultHook::onboard(const QHttpServerRequest &request, const HttpServer::Responder &respond,
                          const HttpServer::Proceed &proceed)
{
    QString jti;
    const QaFaults::Fault fault = faultOf(onboardingTokenOf(request), &jti);
    // Before anything is created: the wizard's retry creates the account.
    if (fault == QaFaults::Fault::Onboard503Once && m_context.shared.qaStrikes.strikeFirstTime(jti))
        return respond(Reply::error(QaFaults::unavailable(QStringLiteral("The account service is busy; try again."))));
    proceed([this, fault, jti, respond](std::optional<QHttpServerResponse> &&response) {
        // The account exists now; the app's retry with the same
        // Idempotency-Key must find it through the idempotent replay.
        if (fault == QaFaults::Fault::OnboardResponseLost && response && response->statusCode() == Status::Created
            && m_context.shared.qaStrikes.strikeFirstTime(jti))
            return respond(std::nullopt);
        if (fault != QaFaults::Fault::OnboardSlow)
            return respond(std::move(response));
        auto late = std::make_shared<std::optional<QHttpServerResponse>>(std::move(response));
        // Precise: a coarse timer may fire up to 5 % early, and the tester was promised 5 s.
        QTimer::singleShot(QaFaults::SlowOnboardMs, Qt::PreciseTimer, &m_lateAnswers,
                           [late, respond] { respond(std::move(*late)); });
    });
}
