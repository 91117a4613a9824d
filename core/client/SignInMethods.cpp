#include "SignInMethods.h"

#include "ClientLogging.h"
#include "ErrorCodes.h"
#include "IdentitiesJob.h"
#include "LinkRequestJob.h"
#include "RemoveIdentityJob.h"

#include <algorithm>

SignInMethods::SignInMethods(SessionManager *session, QNetworkAccessManager *manager, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_manager(manager)
{
    connect(m_session, &SessionManager::accountSignInFinished, this, &SignInMethods::onAccountSignIn);
}

QList<UpstreamProviderInfo> SignInMethods::addable() const
{
    QList<UpstreamProviderInfo> providers = m_session->upstreamProviders();
    providers.removeIf([this](const UpstreamProviderInfo &p) {
        return std::any_of(m_identities.cbegin(), m_identities.cend(),
                           [&p](const IdentityInfo &i) { return i.providerId == p.id; });
    });
    return providers;
}

bool SignInMethods::canRemove(const QString &providerId) const
{
    return m_identities.size() > 1
        && std::any_of(m_identities.cbegin(), m_identities.cend(),
                       [&providerId](const IdentityInfo &i) { return i.providerId == providerId; });
}

void SignInMethods::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    qCDebug(lcSession) << "sign-in methods:" << state;
    Q_EMIT stateChanged(state);
}

template<typename Job, typename Callback>
void SignInMethods::run(Job *job, Callback onFinished)
{
    job->setParent(this);
    m_job = job;
    connect(job, &NetworkJob::finished, this, [this, job, onFinished] {
        job->deleteLater();
        if (m_job != job)
            return; // cancelled, or replaced
        m_job = nullptr;
        onFinished(job);
    });
    job->start();
}

void SignInMethods::load()
{
    if (isBusy())
        return;
    m_operation = Operation::Load;
    m_provider.clear();
    setState(State::Loading);
    run(new IdentitiesJob(m_manager, m_session->identitiesEndpoint(), m_session->accessToken()),
        [this](IdentitiesJob *job) {
            if (job->error().ok()) {
                m_identities = job->identities();
                Q_EMIT identitiesChanged();
            }
            finish(job->error());
        });
}

void SignInMethods::add(const QString &providerId)
{
    if (isBusy() || providerId.isEmpty())
        return;
    m_operation = Operation::Add;
    m_provider = providerId;
    m_reauthenticated = false;
    requestLink();
}

void SignInMethods::remove(const QString &providerId)
{
    if (isBusy() || !canRemove(providerId))
        return;
    m_operation = Operation::Remove;
    m_provider = providerId;
    m_reauthenticated = false;
    removeNow();
}

void SignInMethods::requestLink()
{
    setState(State::RequestingLink);
    run(LinkRequestJob::fromSession(m_manager, m_session->linkRequestEndpoint(), m_session->accessToken(),
                                    m_session->config().clientId, m_provider),
        [this](LinkRequestJob *job) {
            if (needsReauthentication(job->error())) {
                reauthenticate();
            } else if (!job->error().ok()) {
                finish(job->error());
            } else {
                setState(State::InBrowser);
                m_session->signInForAccount(SessionManager::Purpose::AddMethod, m_provider, job->link().linkId);
            }
        });
}

void SignInMethods::removeNow()
{
    setState(State::Removing);
    run(new RemoveIdentityJob(m_manager, m_session->identitiesEndpoint(), m_provider, m_session->accessToken()),
        [this](RemoveIdentityJob *job) {
            if (needsReauthentication(job->error()))
                reauthenticate();
            else
                finish(job->error());
        });
}

bool SignInMethods::needsReauthentication(const ClientError &error) const
{
    // Once: a second refusal right after signing in again would loop.
    return !m_reauthenticated && error.httpStatus == 403
        && error.serverError == QLatin1String(ErrorCode::ReauthenticationRequired);
}

void SignInMethods::reauthenticate()
{
    m_reauthenticated = true;
    // At a provider the account already signs in with, and not the one
    // being removed when there is another.
    QString provider;
    for (const IdentityInfo &identity : std::as_const(m_identities)) {
        if (identity.providerId != m_provider || provider.isEmpty())
            provider = identity.providerId;
        if (provider != m_provider)
            break;
    }
    qCInfo(lcSession) << "sign-in methods: signing in again first";
    setState(State::Reauthenticating);
    m_session->signInForAccount(SessionManager::Purpose::Reauthenticate, provider);
}

void SignInMethods::onAccountSignIn(SessionManager::Purpose purpose, const ClientError &error)
{
    if (m_state == State::Reauthenticating && purpose == SessionManager::Purpose::Reauthenticate) {
        if (!error.ok())
            finish(error);
        else if (m_operation == Operation::Add)
            requestLink(); // with the new access token
        else
            removeNow();
    } else if (m_state == State::InBrowser && purpose == SessionManager::Purpose::AddMethod) {
        finish(error);
    }
}

void SignInMethods::cancel()
{
    switch (m_state) {
    case State::Idle:
        return;
    case State::InBrowser:
    case State::Reauthenticating:
        m_session->cancel(); // accountSignInFinished(Cancelled) ends it
        return;
    default:
        if (NetworkJob *job = m_job) {
            m_job = nullptr; // its answer is not heard any more
            job->abort();
        }
        finish(ClientError::make(ClientError::Code::Cancelled));
    }
}

void SignInMethods::finish(const ClientError &error)
{
    const Operation operation = m_operation;
    const QString provider = m_provider;
    m_provider.clear();
    setState(State::Idle);
    qCInfo(lcSession).noquote() << "sign-in methods:" << operation << provider << "ended:" << error.codeName()
                                << error.serverError;
    Q_EMIT finished(operation, provider, error);
    // What changed at the server, or may have (not linked any more: 404), is read back.
    const bool changed = operation != Operation::Load
        && (error.ok() || error.httpStatus == 404 || error.code == ClientError::Code::LinkNotMade);
    if (changed)
        load();
}
