#include "OnboardingClient.h"

#include "ClaimNames.h"
#include "ClientLogging.h"
#include "ErrorCodes.h"
#include "LinkRequestJob.h"
#include "OnboardJob.h"

#include <QJsonArray>
#include <QUuid>

namespace {
QStringList strings(const QJsonValue &value)
{
    QStringList list;
    for (const auto &item : value.toArray())
        list.append(item.toString());
    return list;
}
} // namespace

OnboardingClient::OnboardingClient(QNetworkAccessManager *manager, const OnboardingContext &context,
                                   const QString &clientId, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_context(context)
    , m_clientId(clientId)
    , m_idempotencyKey(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

void OnboardingClient::checkUsername(const QString &username)
{
    if (m_check) {
        m_check->disconnect(this);
        m_check->abort();
        m_check->deleteLater();
    }
    auto *job = new UsernameCheckJob(m_manager, m_context.usernameCheckEndpoint, m_context.token, username, this);
    m_check = job;
    connect(job, &NetworkJob::finished, this, [this, job] {
        job->deleteLater();
        if (job != m_check)
            return;
        if (job->error().ok())
            Q_EMIT usernameChecked(job->result());
        else
            Q_EMIT usernameCheckFailed(job->username(), job->error());
    });
    job->start();
}

bool OnboardingClient::isSubmitting() const
{
    return m_onboard && m_onboard->isRunning();
}

void OnboardingClient::submit(const QString &username, const QString &name, const QString &acceptedTerms)
{
    if (isSubmitting())
        return;
    startOnboard(username, name, acceptedTerms, false);
}

void OnboardingClient::startOnboard(const QString &username, const QString &name, const QString &acceptedTerms,
                                    bool isRetry)
{
    const OnboardJob::Request request{m_context.token, m_context.codeVerifier, m_clientId, username, name,
                                      acceptedTerms,   m_idempotencyKey};
    auto *job = new OnboardJob(m_manager, m_context.onboardingEndpoint, request, this);
    m_onboard = job;
    connect(job, &NetworkJob::finished, this, [=, this] {
        job->deleteLater();
        m_lastError = job->error();
        const Outcome outcome = outcomeFor(m_lastError);
        qCInfo(lcOnboarding) << "onboard:" << outcome << m_lastError.codeName() << m_lastError.serverError
                             << (isRetry ? "(retry)" : "");
        // The answer may have been lost on the way: the same key makes the retry safe.
        if (outcome == Outcome::NetworkFailure && !isRetry) {
            startOnboard(username, name, acceptedTerms, true);
            return;
        }
        Q_EMIT submitted(outcome, job->response());
    });
    job->start();
}

OnboardingClient::Outcome OnboardingClient::outcomeFor(const ClientError &error)
{
    using Code = ClientError::Code;
    switch (error.code) {
    case Code::None:
        return Outcome::Created;
    case Code::Network:
    case Code::Timeout:
        return Outcome::NetworkFailure;
    case Code::RateLimited:
        return Outcome::RateLimited;
    case Code::ServerRefused:
        break;
    default:
        return Outcome::Failed;
    }
    const QString &e = error.serverError;
    if (e == QLatin1String(ErrorCode::UsernameTaken))
        return Outcome::UsernameTaken;
    if (e == QLatin1String(ErrorCode::InvalidUsername))
        return Outcome::InvalidUsername;
    if (e == QLatin1String(ErrorCode::TermsNotAccepted))
        return Outcome::TermsNotAccepted;
    if (e == QLatin1String(ErrorCode::InvalidToken))
        return Outcome::TokenInvalid;
    if (e == QLatin1String(ErrorCode::OnboardingAlreadyCompleted))
        return Outcome::AlreadyCompleted;
    if (e == QLatin1String(ErrorCode::EmailInUse))
        return Outcome::EmailInUse;
    if (e == QLatin1String(ErrorCode::SlowDown))
        return Outcome::RateLimited;
    return Outcome::Failed;
}

QStringList OnboardingClient::suggestions() const
{
    return strings(m_lastError.body.value(QLatin1String("suggestions")));
}

QString OnboardingClient::usernameReason() const
{
    return m_lastError.body.value(QLatin1String("reason")).toString();
}

QString OnboardingClient::termsVersion() const
{
    return m_lastError.body.value(QLatin1String(OnboardField::TermsVersion)).toString();
}

QStringList OnboardingClient::providers() const
{
    return strings(m_lastError.body.value(QLatin1String("providers")));
}

bool OnboardingClient::linkAvailable() const
{
    return m_lastError.serverError == QLatin1String(ErrorCode::EmailInUse)
        && m_lastError.body.value(QLatin1String(LinkField::LinkAvailable)).toBool()
        && !m_context.linkRequestEndpoint.isEmpty();
}

bool OnboardingClient::isRequestingLink() const
{
    return m_linkRequest && m_linkRequest->isRunning();
}

void OnboardingClient::requestLink()
{
    if (isRequestingLink() || !linkAvailable())
        return;
    auto *job = LinkRequestJob::fromOnboarding(m_manager, m_context.linkRequestEndpoint, m_context.token,
                                               m_context.codeVerifier, m_clientId, this);
    m_linkRequest = job;
    connect(job, &NetworkJob::finished, this, [this, job] {
        job->deleteLater();
        qCInfo(lcOnboarding) << "link request:" << job->error().codeName() << job->error().serverError;
        Q_EMIT linkRequestFinished(job->link(), job->error());
    });
    job->start();
}

void OnboardingClient::cancelLinkRequest()
{
    if (m_linkRequest)
        m_linkRequest->abort(); // finished() follows with Cancelled
}
