#include "SessionManager.h"

#include "ClaimNames.h"
#include "ClientLogging.h"
#include "DeviceAuthorizationJob.h"
#include "DiscoveryJob.h"
#include "ErrorCodes.h"
#include "JwksJob.h"
#include "LoopbackReceiver.h"
#include "NetworkJob.h"
#include "OnboardingClient.h"
#include "Protocol.h"
#include "ProviderCache.h"
#include "RefreshLock.h"
#include "RevokeJob.h"
#include "SessionRenewal.h"
#include "SessionStep.h"
#include "SessionTransitions.h"
#include "SessionVault.h"
#include "TokenJob.h"
#include "TokenValidator.h"
#include "UserInfoJob.h"
#include "VaultJob.h"

#include <QJsonArray>
#include <QMetaEnum>
#include <QNetworkAccessManager>

SessionManager::SessionManager(const ClientConfig &config, QNetworkAccessManager *manager, SessionVault *vault,
                               QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_manager(manager)
    , m_vault(vault)
    , m_cache(new ProviderCache(manager, config.issuer, config.clock, this))
    , m_renewal(new SessionRenewal(config, manager, vault, m_cache, this))
    , m_receiver(new LoopbackReceiver(this))
{
    connect(m_cache, &ProviderCache::metadataChanged, this,
            [this](const std::optional<ProviderMetadata> &metadata) { m_diagnostics.setMetadata(metadata); });
    connect(m_cache, &ProviderCache::upstreamProvidersChanged, this, &SessionManager::upstreamProvidersChanged);
    connect(m_renewal, &SessionRenewal::due, this, &SessionManager::refresh);
    connect(m_renewal, &SessionRenewal::changed, this, &SessionManager::renewalChanged);
    m_vaultRetry.setSingleShot(true);
    m_vaultRetry.setInterval(m_config.keychainRetryMs);
    connect(&m_vaultRetry, &QTimer::timeout, this, [this] {
        if (m_stepKind == Step::KeychainRetry)
            loadFromVault(Step::KeychainRetry);
    });
    connect(m_receiver, &LoopbackReceiver::finished, this, &SessionManager::onCallback);
    m_diagnostics.setIssuer(m_config.issuer);
}

SessionManager::~SessionManager()
{
    if (m_step)
        m_step->kill(); // aborts its requests and frees the refresh lock now
}

// ---- the transitions ----

SessionStep *SessionManager::enter(Step step, const ClientError &error)
{
    if (!SessionTransitions::allowed(m_stepKind, step)) {
        // A bug: whatever asked for it gets a step that is already over, so
        // nothing it starts runs and the session stays where it is.
        qCWarning(lcSession) << "refused transition" << m_stepKind << "->" << step << "(a bug)";
        SessionStep *refused = newStep();
        refused->kill();
        return refused;
    }
    if (m_step)
        m_step->kill();
    m_step = newStep();
    m_stepKind = step;
    const State before = m_state;
    const bool newMessage = error.code != m_error.code || error.serverError != m_error.serverError
        || error.serverDescription != m_error.serverDescription || error.detail != m_error.detail
        || !m_message.isEmpty();
    m_error = error;
    m_message.clear();
    note(error);
    m_state = viewFor(step);
    qCDebug(lcSession) << "step" << step;
    Q_EMIT stepChanged(step);
    // Several steps share a view: it hears only of a change it can show.
    // SignedOut and SignedIn are told again: the server or the account may be new.
    if (m_state != before || newMessage || step == Step::SignedIn || step == Step::SignedOut)
        Q_EMIT stateChanged(m_state);
    return m_step;
}

SessionStep *SessionManager::newStep()
{
    auto *step = new SessionStep(this);
    connect(step, &SessionStep::networkJobFinished, this,
            [this](NetworkJob *job) { m_diagnostics.recordServerTime(job->serverDate(), job->receivedAt()); });
    return step;
}

void SessionManager::note(const ClientError &error)
{
    m_diagnostics.recordError(error);
}

SessionManager::State SessionManager::viewFor(Step step) const
{
    switch (step) {
    case Step::SignedOut:
    case Step::KeychainRetry:
        return State::SignedOut;
    case Step::Restoring:
        return State::Restoring;
    case Step::Discovering:
    case Step::WaitingForBrowser:
        return State::WaitingForBrowser;
    case Step::WaitingForDevice:
        return State::WaitingForDevice;
    case Step::Exchanging:
    case Step::Storing:
        return State::Exchanging;
    case Step::Onboarding:
        return State::OnboardingRequired;
    case Step::SignedIn:
        return State::SignedIn;
    case Step::Refreshing:
        // A refresh at start is still part of restoring.
        return m_state == State::Restoring ? State::Restoring : State::SignedIn;
    case Step::Error:
        return State::Error;
    }
    return State::Error;
}

void SessionManager::signedOut(SignOutReason reason, const ClientError &error)
{
    m_renewal->stop();
    m_session = {};
    m_signOutReason = reason;
    m_purpose = Purpose::SignIn;
    m_linkId.clear();
    m_linkedProvider = {};
    m_linkedTo.clear();
    if (reason != SignOutReason::KeychainUnavailable)
        m_profile = {};
    if (m_onboarding)
        m_onboarding->deleteLater(); // the onboarding token goes with it
    if (!error.ok())
        qCInfo(lcSession).noquote() << "signed out:" << reason << error.codeName() << error.serverError;
    enter(reason == SignOutReason::KeychainUnavailable ? Step::KeychainRetry : Step::SignedOut, error);
}

void SessionManager::fail(const ClientError &error)
{
    // Where it happens decides what it means: while renewing, the session stays.
    if (m_stepKind == Step::Refreshing || m_stepKind == Step::Restoring) {
        renewalFailed(error);
        return;
    }
    if (forAccount()) {
        backToAccount(error);
        return;
    }
    qCWarning(lcSession).noquote() << "sign-in failed in" << m_stepKind << "with" << error.codeName()
                                   << error.serverError << error.detail;
    enter(Step::Error, error);
}

// ---- provider metadata and keys ----

void SessionManager::withMetadata(SessionStep *step, Next next)
{
    m_cache->withMetadata(step, std::move(next), [this](const ClientError &error) { fail(error); });
}

void SessionManager::withKeys(SessionStep *step, bool refetch, Next next)
{
    m_cache->withKeys(step, refetch, std::move(next), [this](const ClientError &error) { fail(error); });
}

const ProviderMetadata &SessionManager::metadata() const
{
    return *m_cache->metadata(); // only called once withMetadata() has answered
}

QList<UpstreamProviderInfo> SessionManager::upstreamProviders() const
{
    return m_cache->upstreamProviders();
}

bool SessionManager::supportsLinking() const
{
    return m_cache->metadata() && m_cache->metadata()->supportsLinking();
}

QUrl SessionManager::linkRequestEndpoint() const
{
    return m_cache->metadata() ? m_cache->metadata()->linkRequestEndpoint : QUrl();
}

QUrl SessionManager::identitiesEndpoint() const
{
    return m_cache->metadata() ? m_cache->metadata()->identitiesEndpoint : QUrl();
}

void SessionManager::loadUpstreamProviders()
{
    if (m_cache->metadata() || m_providersLoad)
        return;
    // A step of its own beside the flow: a sign-in starting meanwhile must
    // not silence this answer; reconfigure() kills it with the old server.
    m_providersLoad = newStep();
    SessionStep *load = m_providersLoad;
    m_cache->withMetadata(
        load, [load] { load->deleteLater(); },
        [this, load](const ClientError &error) {
            load->deleteLater();
            qCInfo(lcDiscovery) << "provider list not loaded:" << error.codeName();
            note(error);
        });
}

// ---- signing in ----

void SessionManager::signIn(const QString &provider)
{
    startSignIn(Purpose::SignIn, provider, {}, selectsAccountNext() ? QStringLiteral("select_account") : QString());
}

void SessionManager::signInWithDevice()
{
    startSignIn(Purpose::SignIn, {}, {}, {}, Via::Device);
}

void SessionManager::startSignIn(Purpose purpose, const QString &provider, const QString &linkId, const QString &prompt,
                                 Via via)
{
    m_purpose = purpose;
    m_via = via;
    m_device = {};
    m_linkId = linkId;
    m_prompt = prompt;
    m_upstreamProvider = provider;
    m_linkedProvider = {};
    m_linkedTo.clear();
    m_vaultRetry.stop();
    m_renewal->stop(); // a renewal would end the wait; the session's tokens stay as they are meanwhile
    if (!forAccount())
        m_signOutReason = SignOutReason::None;
    m_authorizationUrl.clear();
    qCInfo(lcSession) << "signing in for" << purpose;
    SessionStep *step = enter(Step::Discovering);
    withMetadata(step, [this, step] {
        withKeys(step, false, [this] { m_via == Via::Device ? startDevice() : startBrowser(); });
    });
}

bool SessionManager::selectsAccountNext() const
{
    return m_vault->selectsAccountNext();
}

void SessionManager::linkAccount(const PendingLink &link)
{
    if (m_stepKind != Step::Onboarding || !m_onboarding || !link.isValid())
        return;
    m_linkProviders = link.providers;
    m_linkingProvider = m_onboarding->context().provider;
    // The sign-in goes to where the account signs in: without a provider
    // the server's chooser still lets the person pick one of them.
    startSignIn(Purpose::Link, link.providers.isEmpty() ? QString() : link.providers.first().id, link.linkId, {});
}

void SessionManager::signInForAccount(Purpose purpose, const QString &provider, const QString &linkId)
{
    const bool allowed = (purpose == Purpose::AddMethod && !linkId.isEmpty()) || purpose == Purpose::Reauthenticate;
    if (m_stepKind != Step::SignedIn || !allowed) {
        Q_EMIT accountSignInFinished(purpose,
                                     ClientError::make(ClientError::Code::RequestNotMade,
                                                       QStringLiteral("not signed in")));
        return;
    }
    m_linkProviders.clear(); // the account's own providers are not what the sentences name here
    m_linkingProvider = m_cache->metadata() ? m_cache->metadata()->upstreamProviderName(provider) : provider;
    startSignIn(purpose, provider, linkId, purpose == Purpose::Reauthenticate ? QStringLiteral("login") : QString());
}

void SessionManager::backToAccount(const ClientError &error)
{
    const Purpose purpose = m_purpose;
    m_purpose = Purpose::SignIn;
    m_linkId.clear();
    qCInfo(lcSession).noquote() << "account sign-in" << purpose << "ended:" << error.codeName() << error.serverError;
    note(error);
    enter(Step::SignedIn);
    m_renewal->schedule(m_session);
    Q_EMIT accountSignInFinished(purpose, error);
}

ClientError SessionManager::linkFailure(const ClientError &error, const QString &linkError) const
{
    ClientError failure = error; // the server's words stay the detail
    failure.code = ClientError::Code::LinkNotMade;
    if (!linkError.isEmpty())
        failure.body.insert(QLatin1String(LinkField::LinkError), linkError);
    if (!failure.body.contains(QLatin1String(LinkField::LinkError))) {
        // A provider that is down is said with the standard codes.
        const bool unavailable = error.serverError == QLatin1String(ErrorCode::TemporarilyUnavailable)
            || error.serverError == QLatin1String(ErrorCode::ServerError);
        if (unavailable)
            failure.body.insert(QLatin1String(LinkField::LinkError), QLatin1String(LinkFailure::Unavailable));
    }
    // For the sentence: what was to be linked, and where the account signs in.
    QJsonArray names;
    for (const UpstreamProviderInfo &p : m_linkProviders)
        names.append(p.name);
    failure.body.insert(QLatin1String(LinkField::Providers), names);
    failure.body.insert(QLatin1String(LinkField::LinkedProvider), m_linkingProvider);
    return failure;
}

void SessionManager::linkNotMade(const ClientError &error)
{
    qCInfo(lcSession).noquote() << "nothing linked:" << error.body.value(QLatin1String(LinkField::LinkError)).toString();
    signedOut(SignOutReason::LinkNotMade, error);
}

void SessionManager::signInAgain()
{
    // email_in_use says this provider is the wrong one for the person's
    // account: the server's chooser lets them pick the one they used first.
    const bool wrongProvider = m_onboarding
        && m_onboarding->lastError().serverError == QLatin1String(ErrorCode::EmailInUse);
    signIn(wrongProvider ? QString() : m_upstreamProvider);
}

void SessionManager::startDevice()
{
    if (metadata().deviceAuthorizationEndpoint.isEmpty()) {
        fail(ClientError::make(ClientError::Code::Unsupported, QStringLiteral("device sign-in (RFC 8628)")));
        return;
    }
    m_step->await(new DeviceAuthorizationJob(m_manager, metadata().deviceAuthorizationEndpoint, m_config.clientId,
                                             m_config.scope),
                  [this](DeviceAuthorizationJob *job) {
                      if (!job->error().ok()) {
                          fail(job->error());
                          return;
                      }
                      m_device = job->authorization();
                      m_deviceExpiresAt = m_config.clock() + m_device.expiresIn;
                      pollDeviceLater(enter(Step::WaitingForDevice));
                  });
}

void SessionManager::pollDeviceLater(SessionStep *step)
{
    QTimer::singleShot(m_device.interval * 1000, step, [this, step] {
        if (!step->isKilled())
            pollDevice(step);
    });
}

void SessionManager::pollDevice(SessionStep *step)
{
    if (m_config.clock() >= m_deviceExpiresAt) {
        fail(ClientError::make(ClientError::Code::DeviceCodeExpired));
        return;
    }
    step->await(TokenJob::pollDevice(m_manager, metadata().tokenEndpoint, m_config.clientId, m_device.deviceCode),
                [this, step](TokenJob *job) { devicePolled(step, *job); });
}

void SessionManager::devicePolled(SessionStep *step, const TokenJob &job)
{
    const ClientError &error = job.error();
    if (error.ok()) {
        handleTokens(enter(Step::Exchanging), job.response(), {}, {});
        return;
    }
    const QString &said = error.serverError;
    if (said == QLatin1String(ErrorCode::SlowDown))
        m_device.interval += Protocol::DeviceSlowDownSeconds; // for this and every later poll
    const bool hiccup = error.code == ClientError::Code::Network || error.code == ClientError::Code::Timeout
        || error.code == ClientError::Code::ServerFailure;
    if (said == QLatin1String(ErrorCode::AuthorizationPending) || said == QLatin1String(ErrorCode::SlowDown) || hiccup) {
        pollDeviceLater(step); // the person may still be at it on the other device
        return;
    }
    if (said == QLatin1String(ErrorCode::AccessDenied))
        signedOut(SignOutReason::AccessDenied, ClientError::make(ClientError::Code::AccessDenied));
    else if (said == QLatin1String(ErrorCode::ExpiredToken))
        fail(ClientError::make(ClientError::Code::DeviceCodeExpired));
    else
        fail(error);
}

void SessionManager::startBrowser()
{
    SessionStep *step = enter(Step::WaitingForBrowser);
    step->onKill([receiver = m_receiver] { receiver->cancel(); }); // the port closes with the wait
    openBrowser();
}

void SessionManager::openBrowser()
{
    if (!m_receiver->isListening() && !m_receiver->listen()) {
        fail(m_receiver->error());
        return;
    }
    m_authorization = AuthorizationSession::create(m_receiver->redirectUri());
    AuthorizationSession::Extras extras;
    // Only a provider the server lists: the parameter is an extension.
    extras.upstreamProvider = metadata().listsUpstreamProvider(m_upstreamProvider) ? m_upstreamProvider : QString();
    extras.linkId = m_linkId;
    extras.prompt = m_prompt;
    m_authorizationUrl = m_authorization.url(metadata(), m_config.clientId, m_config.scope, extras);
    m_receiver->expect(m_authorization.state, metadata().issParameterSupported ? metadata().issuer : QString(),
                       m_config.browserTimeoutMs);
    m_message.clear();
    Q_EMIT stateChanged(m_state);
    Q_EMIT authorizeWithBrowser(m_authorizationUrl);
}

void SessionManager::reportBrowserProblem(const QString &message)
{
    // Still waiting when no browser opened: the person can copy the link.
    if (m_stepKind != Step::WaitingForBrowser)
        return;
    m_message = message;
    Q_EMIT stateChanged(m_state);
}

void SessionManager::openBrowserAgain()
{
    if (m_stepKind != Step::WaitingForBrowser || !m_receiver->isListening())
        return;
    // The server spends a link_id on the first authorization request that
    // presents it, and accepts only that same request again: the same URL.
    if (!m_linkId.isEmpty())
        Q_EMIT authorizeWithBrowser(m_authorizationUrl);
    else
        openBrowser(); // a fresh state and PKCE pair on the same port; the old link stops working
}

void SessionManager::onCallback()
{
    // The receiver answers once per wait, and only WaitingForBrowser waits.
    if (m_stepKind != Step::WaitingForBrowser)
        return;
    const ClientError &error = m_receiver->error();
    switch (error.code) {
    case ClientError::Code::None:
        Q_EMIT browserReturned();
        exchange(m_receiver->code());
        return;
    case ClientError::Code::Cancelled:
        return;
    case ClientError::Code::AccessDenied:
        Q_EMIT browserReturned();
        if (forAccount())
            backToAccount(m_linkId.isEmpty() ? error : linkFailure(error));
        else if (m_purpose == Purpose::Link)
            linkNotMade(linkFailure(error));
        else
            signedOut(SignOutReason::AccessDenied, error);
        return;
    case ClientError::Code::AuthorizationRejected:
        Q_EMIT browserReturned();
        if (m_purpose == Purpose::Link)
            linkNotMade(linkFailure(error)); // the provider is down: nothing was linked
        else
            fail(error);
        return;
    default:
        Q_EMIT browserReturned();
        fail(error);
    }
}

void SessionManager::exchange(const QString &code)
{
    SessionStep *step = enter(Step::Exchanging);
    const QString nonce = m_authorization.nonce;
    step->await(TokenJob::exchangeCode(m_manager, metadata().tokenEndpoint, m_config.clientId, code,
                                       m_authorization.redirectUri, m_authorization.verifier),
                [this, step, nonce](TokenJob *job) {
                    if (job->error().ok())
                        handleTokens(step, job->response(), nonce, {});
                    else
                        fail(job->error());
                });
}

void SessionManager::validate(SessionStep *step, const QString &token, bool onboarding, const QString &nonce,
                              std::function<void(const QJsonObject &)> next)
{
    const TokenValidator validator(metadata().issuer, m_config.clientId, m_config.clock);
    const auto result = !onboarding ? validator.validateIdToken(token, m_cache->keys(), nonce)
        : m_via == Via::Device      ? validator.validateDeviceOnboardingToken(token, m_cache->keys())
                                    : validator.validateOnboardingToken(token, m_cache->keys(), nonce);
    if (result.error == TokenValidator::Error::UnknownKey && m_cache->mayRefetchKeys()) {
        // A rotated key: fetch the set once more, then decide.
        withKeys(step, true, [=, this] { validate(step, token, onboarding, nonce, next); });
        return;
    }
    if (!result.ok()) {
        // The protocol core's finding becomes the detail of the client's code.
        const QString finding = QStringLiteral("%1: %2").arg(
            QLatin1String(QMetaEnum::fromType<TokenValidator::Error>().valueToKey(int(result.error))), result.message);
        fail(ClientError::make(onboarding ? ClientError::Code::InvalidOnboardingToken : ClientError::Code::InvalidIdToken,
                               finding));
        return;
    }
    next(result.claims);
}

void SessionManager::handleTokens(SessionStep *step, const TokenResponse &tokens, const QString &nonce,
                                  const QString &provider)
{
    if (tokens.kind == TokenResponse::Kind::OnboardingRequired && m_purpose != Purpose::SignIn) {
        // The sign-in ended at someone new: not the account it was for.
        const ClientError noAccount = linkFailure(ClientError::make(ClientError::Code::LinkNotMade),
                                                  QLatin1String(LinkFailure::NoAccount));
        if (m_purpose == Purpose::Link)
            linkNotMade(noAccount);
        else
            backToAccount(noAccount);
        return;
    }
    if (tokens.kind == TokenResponse::Kind::OnboardingRequired) {
        if (!metadata().supportsOnboarding()) {
            fail(ClientError::make(ClientError::Code::OnboardingUnsupported));
            return;
        }
        validate(step, tokens.onboardingToken, true, nonce,
                 [=, this](const QJsonObject &claims) { enterOnboarding(tokens, claims, nonce); });
        return;
    }
    if (tokens.idToken.isEmpty()) {
        fail(ClientError::make(ClientError::Code::NoIdToken));
        return;
    }
    validate(step, tokens.idToken, false, nonce,
             [=, this](const QJsonObject &claims) { completeSignIn(step, tokens, claims, provider); });
}

void SessionManager::enterOnboarding(const TokenResponse &tokens, const QJsonObject &c, const QString &nonce)
{
    OnboardingContext context;
    context.token = tokens.onboardingToken;
    // The device grant's proof is its device_code (PROTOCOL.md 10).
    context.codeVerifier = m_via == Via::Device ? m_device.deviceCode.toLatin1() : m_authorization.verifier;
    context.nonce = nonce;
    context.provider = c.value(QLatin1String(Claim::Provider)).toString();
    context.providerId = c.value(QLatin1String(Claim::ProviderId)).toString();
    context.email = c.value(QLatin1String(Claim::Email)).toString();
    context.emailVerified = c.value(QLatin1String(Claim::EmailVerified)).toBool();
    context.name = c.value(QLatin1String(Claim::Name)).toString();
    context.preferredUsername = c.value(QLatin1String(Claim::PreferredUsername)).toString();
    context.expiresAt = qint64(c.value(QLatin1String(Claim::Expiry)).toDouble());
    context.termsOfService = metadata().termsOfService;
    context.onboardingEndpoint = metadata().onboardingEndpoint;
    context.usernameCheckEndpoint = metadata().usernameCheckEndpoint;
    context.linkRequestEndpoint = metadata().supportsLinking() ? metadata().linkRequestEndpoint : QUrl();
    if (m_onboarding)
        m_onboarding->deleteLater();
    m_onboarding = new OnboardingClient(m_manager, context, m_config.clientId, this);
    SessionStep *step = enter(Step::Onboarding);
    // The wizard's submit belongs to this step: after a cancel it is not heard.
    connect(m_onboarding, &OnboardingClient::submitted, step,
            [this](OnboardingClient::Outcome outcome, const TokenResponse &created) {
                if (outcome != OnboardingClient::Outcome::Created)
                    return;
                const OnboardingContext finished = m_onboarding->context();
                SessionStep *exchanging = enter(Step::Exchanging);
                handleTokens(exchanging, created, finished.nonce, finished.provider);
            });
}

void SessionManager::completeSignIn(SessionStep *step, const TokenResponse &tokens, const QJsonObject &c,
                                    const QString &provider)
{
    const QString subject = c.value(QLatin1String(Claim::Subject)).toString();
    if (forAccount() && subject != m_profile.subject) {
        // Signed in at the provider as someone else: this session stays, the other one is let go.
        revoke(step, tokens.refreshToken, [] {});
        backToAccount(
            linkFailure(ClientError::make(ClientError::Code::LinkNotMade), QLatin1String(LinkFailure::OtherAccount)));
        return;
    }
    if (forAccount() && !m_session.refreshToken.isEmpty() && m_session.refreshToken != tokens.refreshToken) {
        // The new sign-in's tokens replace the session's: the old family goes.
        auto *cleanup = newStep();
        revoke(cleanup, m_session.refreshToken, [cleanup] { cleanup->deleteLater(); });
    }
    if (m_purpose == Purpose::Link) {
        m_linkedProvider = tokens.linkedProvider;
        if (m_linkedProvider.name.isEmpty()) // the server linked but did not say what: the wizard's provider
            m_linkedProvider = UpstreamProviderInfo{QString(), m_linkingProvider};
        for (const UpstreamProviderInfo &p : std::as_const(m_linkProviders))
            m_linkedTo.append(p.name);
    }
    m_profile = AccountProfile{metadata().issuer,
                               subject,
                               c.value(QLatin1String(Claim::Name)).toString(),
                               c.value(QLatin1String(Claim::PreferredUsername)).toString(),
                               c.value(QLatin1String(Claim::Email)).toString(),
                               c.value(QLatin1String(Claim::EmailVerified)).toBool(),
                               provider.isEmpty() ? c.value(QLatin1String(Claim::IdentityProvider)).toString()
                                                  : provider};
    m_session = StoredSession{tokens.refreshToken, tokens.accessToken, m_config.clock() + tokens.expiresIn,
                              tokens.idToken};
    if (m_onboarding)
        m_onboarding->deleteLater();
    fillFromUserInfo(step, [this] { store(); });
}

void SessionManager::fillFromUserInfo(SessionStep *step, Next next)
{
    // Many providers keep profile claims out of the ID token; userinfo has them.
    const bool complete = !m_profile.name.isEmpty() && !m_profile.username.isEmpty() && !m_profile.email.isEmpty();
    if (complete || metadata().userinfoEndpoint.isEmpty()) {
        next();
        return;
    }
    step->await(new UserInfoJob(m_manager, metadata().userinfoEndpoint, m_session.accessToken),
                [this, next](UserInfoJob *job) {
                    const QJsonObject &c = job->claims();
                    if (job->error().ok() && c.value(QLatin1String(Claim::Subject)).toString() == m_profile.subject) {
                        auto fill = [&c](QString &field, const char *claim) {
                            if (field.isEmpty())
                                field = c.value(QLatin1String(claim)).toString();
                        };
                        fill(m_profile.name, Claim::Name);
                        fill(m_profile.username, Claim::PreferredUsername);
                        if (m_profile.email.isEmpty()) {
                            m_profile.email = c.value(QLatin1String(Claim::Email)).toString();
                            m_profile.emailVerified = c.value(QLatin1String(Claim::EmailVerified)).toBool();
                        }
                    }
                    next(); // a profile with gaps is no reason to fail signing in
                });
}

void SessionManager::store()
{
    SessionStep *step = enter(Step::Storing);
    m_vault->setCurrentAccount(m_profile);
    step->await(m_vault->save(m_profile, m_session), [this](VaultJob *job) {
        m_vaultError = job->error();
        note(m_vaultError);
        qCInfo(lcSession).noquote() << "signed in;"
                                    << (m_vaultError.ok() ? QStringLiteral("saved")
                                                          : QStringLiteral("not saved: ") + m_vaultError.codeName());
        m_vault->setSelectsAccountNext(false);
        const Purpose purpose = m_purpose;
        m_purpose = Purpose::SignIn;
        m_linkId.clear();
        enter(Step::SignedIn);
        m_renewal->schedule(m_session);
        if (purpose == Purpose::AddMethod || purpose == Purpose::Reauthenticate)
            Q_EMIT accountSignInFinished(purpose, {});
    });
}

void SessionManager::cancel()
{
    // A session the person has is ended by signOut() or the server, never
    // by a Cancel or Back meant for something else (a restore offline used
    // to end in Error, whose Back revoked the still valid refresh token).
    const bool session = m_stepKind == Step::Restoring || m_stepKind == Step::Refreshing || m_stepKind == Step::SignedIn
        || m_stepKind == Step::KeychainRetry;
    if (session && !forAccount()) {
        qCInfo(lcSession) << "cancel ignored in" << m_stepKind << "- only signing out ends a session";
        return;
    }
    const bool beforeTokens = m_stepKind == Step::Discovering || m_stepKind == Step::WaitingForBrowser
        || m_stepKind == Step::WaitingForDevice || m_stepKind == Step::Exchanging;
    if (forAccount() && beforeTokens) {
        backToAccount(ClientError::make(ClientError::Code::Cancelled));
        return;
    }
    const bool linking = m_purpose == Purpose::Link;
    const ClientError cancelled = linking
        ? linkFailure(ClientError::make(ClientError::Code::LinkNotMade), QLatin1String(LinkFailure::Cancelled))
        : ClientError();
    discardSession(false, {});
    if (linking)
        linkNotMade(cancelled);
    else
        signedOut(SignOutReason::Cancelled, {});
}

// ---- restoring and refreshing ----

bool SessionManager::hasRememberedSession() const
{
    const AccountProfile account = m_vault->currentAccount();
    return account.isValid() && account.issuer == m_config.issuer;
}

void SessionManager::restore()
{
    if (!hasRememberedSession()) {
        signedOut(SignOutReason::None, {});
        return;
    }
    m_profile = m_vault->currentAccount();
    loadFromVault(Step::Restoring);
}

void SessionManager::loadFromVault(Step step)
{
    const bool quietRetry = step == Step::KeychainRetry;
    SessionStep *loading = quietRetry ? m_step.data() : enter(step);
    loading->await(m_vault->load(m_profile), [this, quietRetry](VaultJob *job) { onLoaded(job, quietRetry); });
}

void SessionManager::onLoaded(VaultJob *job, bool quietRetry)
{
    switch (job->error().code) {
    case ClientError::Code::None:
        break;
    case ClientError::Code::KeychainNotFound:
    case ClientError::Code::KeychainCorrupt:
        m_vault->forgetCurrentAccount();
        signedOut(SignOutReason::SessionEnded, job->error());
        return;
    default:
        // Keep who was signed in and try again: the keychain may be unlocked
        // later. Retries stay quiet: the view only changes when one works.
        if (!quietRetry)
            signedOut(SignOutReason::KeychainUnavailable, job->error());
        m_vaultRetry.start();
        return;
    }
    m_session = job->session();
    if (!m_renewal->isDue(m_session)) {
        enter(Step::SignedIn);
        m_renewal->schedule(m_session);
    } else {
        if (quietRetry)
            enter(Step::Restoring);
        refresh();
    }
}

void SessionManager::refreshNow()
{
    if (m_stepKind == Step::SignedIn)
        refresh();
}

QString SessionManager::accessToken() const
{
    // Never one that has run out: a caller would only meet a 401.
    return m_session.accessTokenExpiresAt > m_config.clock() ? m_session.accessToken : QString();
}

bool SessionManager::isOffline() const
{
    return m_renewal->isOffline();
}

const ClientError &SessionManager::renewalError() const
{
    return m_renewal->lastError();
}

qint64 SessionManager::nextRenewalAt() const
{
    return m_renewal->nextAttemptAt();
}

void SessionManager::refresh()
{
    if (m_stepKind != Step::SignedIn && m_stepKind != Step::Restoring)
        return; // a sign-in or a renewal is under way; it schedules the next one
    if (m_session.refreshToken.isEmpty()) {
        endWithoutRefreshToken();
        return;
    }
    // One renewal at a time across every running instance: two rotations of
    // one token would look like theft to the server and end the session.
    std::unique_ptr<RefreshLock> lock;
    if (!m_renewal->takeLock(&lock)) {
        m_renewal->retrySoon();
        return;
    }
    SessionStep *step = enter(Step::Refreshing);
    SessionRenewal::Handlers handlers;
    handlers.issued = [this](const StoredSession &issued) { m_session = issued; };
    handlers.renewed = [this](const StoredSession &renewed, const ClientError &vaultError) {
        m_vaultError = vaultError;
        note(vaultError);
        acceptRenewal(renewed);
    };
    handlers.renewedElsewhere = [this](const StoredSession &renewed) { acceptRenewal(renewed); };
    handlers.failed = [this](const ClientError &error) { renewalFailed(error); };
    m_renewal->run(step, std::move(lock), m_profile, m_session, handlers);
}

void SessionManager::acceptRenewal(const StoredSession &renewed)
{
    m_session = renewed;
    qCDebug(lcSession) << "refreshed";
    enter(Step::SignedIn);
    m_renewal->schedule(m_session);
    Q_EMIT refreshed();
}

void SessionManager::endWithoutRefreshToken()
{
    // Nothing to renew with (the provider gave no refresh token): the
    // session ends with its access token.
    if (m_session.accessTokenExpiresAt <= m_config.clock()) {
        signedOut(SignOutReason::SessionEnded,
                  ClientError::make(ClientError::Code::SessionEnded, QStringLiteral("no refresh token")));
        return;
    }
    if (m_stepKind == Step::Restoring)
        enter(Step::SignedIn);
    StoredSession end = m_session;
    end.accessTokenExpiresAt += 61; // due() when it has run out, not a minute before
    m_renewal->schedule(end);
}

void SessionManager::renewalFailed(const ClientError &error)
{
    if (error.code == ClientError::Code::ServerRefused && error.serverError == QLatin1String(ErrorCode::InvalidGrant)) {
        m_vault->remove(m_profile);
        m_vault->forgetCurrentAccount();
        ClientError ended = error; // the server's words stay the detail
        ended.code = ClientError::Code::SessionEnded;
        signedOut(SignOutReason::SessionEnded, ended);
        return;
    }
    // Offline, a proxy, a server hiccup: the person stays signed in and it is tried again.
    note(error);
    enter(Step::SignedIn);
    m_renewal->retryLater(error);
}

// ---- signing out ----

void SessionManager::discardSession(bool evenUnopened, Next whenDone)
{
    const AccountProfile account = m_profile;
    const QString refreshToken = m_session.refreshToken; // the newest, also while it is being saved
    const bool stored = m_stepKind == Step::Storing || m_stepKind == Step::SignedIn || m_stepKind == Step::Refreshing
        || m_stepKind == Step::Restoring || (evenUnopened && m_stepKind == Step::KeychainRetry)
        || forAccount(); // signed in while it adds a method or re-authenticates
    if (m_step)
        m_step->kill(); // first: no answer of the old step may bring the session back
    m_vaultRetry.stop();
    m_renewal->stop();
    // Detached: the person is signed out at once, and a new sign-in does not
    // stop the clean-up. It ends when every part has.
    auto *cleanup = newStep();
    auto pending = std::make_shared<int>(1);
    auto done = [cleanup, pending, whenDone] {
        if (--*pending > 0)
            return;
        cleanup->deleteLater();
        if (whenDone)
            whenDone();
    };
    if (!refreshToken.isEmpty()) {
        ++*pending;
        revoke(cleanup, refreshToken, done);
    }
    if (stored && account.isValid()) {
        // Ordered after any save still under way (TokenVault runs its jobs in turn).
        ++*pending;
        cleanup->await(m_vault->remove(account), [done](VaultJob *) { done(); });
        m_vault->forgetCurrentAccount();
    }
    QTimer::singleShot(0, cleanup, done);
}

void SessionManager::revoke(SessionStep *cleanup, const QString &refreshToken, Next done)
{
    // Best effort: an unreachable server does not keep anyone signed in here.
    auto send = [this, cleanup, refreshToken, done](const ProviderMetadata &metadata) {
        if (metadata.revocationEndpoint.isEmpty()) {
            done();
            return;
        }
        cleanup->await(new RevokeJob(m_manager, metadata.revocationEndpoint, m_config.clientId, refreshToken),
                       [done](RevokeJob *) { done(); });
    };
    if (m_cache->metadata()) {
        send(metadata());
        return;
    }
    cleanup->await(new DiscoveryJob(m_manager, m_config.issuer), [send, done](DiscoveryJob *job) {
        if (job->error().ok())
            send(job->metadata());
        else
            done();
    });
}

void SessionManager::signOut()
{
    // The provider's browser session may still be open: the next sign-in lets the person pick another account.
    m_vault->setSelectsAccountNext(true);
    discardSession(true, [this] { Q_EMIT signOutFinished(); });
    m_vault->forgetCurrentAccount();
    signedOut(SignOutReason::UserRequested, {});
}

void SessionManager::reconfigure(const ClientConfig &config)
{
    // Whatever the old server gave, and a sign-in still being stored, goes
    // with it: it never lands under the new server's name.
    discardSession(false, {});
    if (m_providersLoad)
        m_providersLoad->kill();
    m_receiver->cancel();
    m_config = config;
    m_diagnostics.setIssuer(config.issuer);
    m_upstreamProvider.clear();
    m_cache->reset(config.issuer);
    m_renewal->setConfig(config);
    signedOut(SignOutReason::None, {});
}
