#include "SessionManager.h"

#include "ClaimNames.h"
#include "ClientLogging.h"
#include "DiscoveryJob.h"
#include "ErrorCodes.h"
#include "JwksJob.h"
#include "LoopbackReceiver.h"
#include "NetworkJob.h"
#include "OnboardingClient.h"
#include "RefreshLock.h"
#include "RevokeJob.h"
#include "SessionStep.h"
#include "TokenJob.h"
#include "TokenValidator.h"
#include "TokenVault.h"
#include "UserInfoJob.h"

#include <QJsonArray>
#include <QMetaEnum>
#include <QNetworkAccessManager>

namespace {
constexpr int RefreshRetryMs = 30000;
constexpr int LockRetryMs = 500;
constexpr qint64 RefreshMarginSeconds = 60; // refresh earlier than this before expiry
constexpr qint64 KeyRefetchIntervalSeconds = 10;
} // namespace

SessionManager::SessionManager(const ClientConfig &config, QNetworkAccessManager *manager, TokenVault *vault,
                               QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_manager(manager)
    , m_vault(vault)
    , m_receiver(new LoopbackReceiver(this))
{
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &SessionManager::refresh);
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
    m_refreshTimer.stop();
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
    if (m_metadata) {
        next();
        return;
    }
    step->await(new DiscoveryJob(m_manager, m_config.issuer), [this, next](DiscoveryJob *job) {
        if (!job->error().ok()) {
            fail(job->error());
            return;
        }
        qCDebug(lcDiscovery) << "discovery loaded for" << job->metadata().issuer;
        setMetadata(job->metadata());
        next();
    });
}

void SessionManager::setMetadata(const std::optional<ProviderMetadata> &metadata)
{
    const QList<UpstreamProviderInfo> before = upstreamProviders();
    m_metadata = metadata;
    m_diagnostics.setMetadata(metadata);
    if (upstreamProviders() != before)
        Q_EMIT upstreamProvidersChanged(upstreamProviders());
}

QList<UpstreamProviderInfo> SessionManager::upstreamProviders() const
{
    return m_metadata ? m_metadata->upstreamProviders : QList<UpstreamProviderInfo>();
}

void SessionManager::loadUpstreamProviders()
{
    if (m_metadata || m_providersLoad)
        return;
    // A step of its own beside the flow: a sign-in starting meanwhile must
    // not silence this answer; reconfigure() kills it with the old server.
    m_providersLoad = newStep();
    SessionStep *load = m_providersLoad;
    load->await(new DiscoveryJob(m_manager, m_config.issuer), [this, load](DiscoveryJob *job) {
        load->deleteLater();
        if (!job->error().ok()) {
            qCInfo(lcDiscovery) << "provider list not loaded:" << job->error().codeName();
            note(job->error());
        }
        if (job->error().ok() && !m_metadata)
            setMetadata(job->metadata());
    });
}

void SessionManager::withKeys(SessionStep *step, bool refetch, Next next)
{
    if (!m_keys.isEmpty() && !refetch) {
        next();
        return;
    }
    step->await(new JwksJob(m_manager, m_metadata->jwksUri), [this, next](JwksJob *job) {
        if (!job->error().ok()) {
            fail(job->error());
            return;
        }
        m_keys = job->keys();
        qCDebug(lcDiscovery) << "signing keys loaded";
        m_keysFetchedAt = m_config.clock();
        next();
    });
}

// ---- signing in ----

void SessionManager::signIn(const QString &provider)
{
    startSignIn(Purpose::SignIn, provider, {}, selectsAccountNext() ? QStringLiteral("select_account") : QString());
}

void SessionManager::startSignIn(Purpose purpose, const QString &provider, const QString &linkId, const QString &prompt)
{
    m_purpose = purpose;
    m_linkId = linkId;
    m_prompt = prompt;
    m_upstreamProvider = provider;
    m_linkedProvider = {};
    m_linkedTo.clear();
    m_vaultRetry.stop();
    m_refreshTimer.stop(); // a refresh would end the wait; the session's tokens stay as they are meanwhile
    if (!forAccount())
        m_signOutReason = SignOutReason::None;
    m_authorizationUrl.clear();
    qCInfo(lcSession) << "signing in for" << purpose;
    SessionStep *step = enter(Step::Discovering);
    withMetadata(step, [this, step] { withKeys(step, false, [this] { startBrowser(); }); });
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
    m_linkingProvider = m_metadata ? m_metadata->upstreamProviderName(provider) : provider;
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
    scheduleRefresh();
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
    extras.upstreamProvider = m_metadata->listsUpstreamProvider(m_upstreamProvider) ? m_upstreamProvider : QString();
    extras.linkId = m_linkId;
    extras.prompt = m_prompt;
    m_authorizationUrl = m_authorization.url(*m_metadata, m_config.clientId, m_config.scope, extras);
    m_receiver->expect(m_authorization.state, m_metadata->issParameterSupported ? m_metadata->issuer : QString(),
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
    step->await(TokenJob::exchangeCode(m_manager, m_metadata->tokenEndpoint, m_config.clientId, code,
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
    const TokenValidator validator(m_metadata->issuer, m_config.clientId, m_config.clock);
    const auto result = onboarding ? validator.validateOnboardingToken(token, m_keys, nonce)
                                   : validator.validateIdToken(token, m_keys, nonce);
    if (result.error == TokenValidator::Error::UnknownKey
        && m_config.clock() - m_keysFetchedAt >= KeyRefetchIntervalSeconds) {
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
        if (!m_metadata->supportsOnboarding()) {
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
    context.codeVerifier = m_authorization.verifier;
    context.nonce = nonce;
    context.provider = c.value(QLatin1String(Claim::Provider)).toString();
    context.providerId = c.value(QLatin1String(Claim::ProviderId)).toString();
    context.email = c.value(QLatin1String(Claim::Email)).toString();
    context.emailVerified = c.value(QLatin1String(Claim::EmailVerified)).toBool();
    context.name = c.value(QLatin1String(Claim::Name)).toString();
    context.preferredUsername = c.value(QLatin1String(Claim::PreferredUsername)).toString();
    context.expiresAt = qint64(c.value(QLatin1String(Claim::Expiry)).toDouble());
    context.termsOfService = m_metadata->termsOfService;
    context.onboardingEndpoint = m_metadata->onboardingEndpoint;
    context.usernameCheckEndpoint = m_metadata->usernameCheckEndpoint;
    context.linkRequestEndpoint = m_metadata->supportsLinking() ? m_metadata->linkRequestEndpoint : QUrl();
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
    m_profile = AccountProfile{m_metadata->issuer,
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
    if (complete || m_metadata->userinfoEndpoint.isEmpty()) {
        next();
        return;
    }
    step->await(new UserInfoJob(m_manager, m_metadata->userinfoEndpoint, m_session.accessToken),
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
        scheduleRefresh();
        if (purpose == Purpose::AddMethod || purpose == Purpose::Reauthenticate)
            Q_EMIT accountSignInFinished(purpose, {});
    });
}

void SessionManager::cancel()
{
    const bool beforeTokens = m_stepKind == Step::Discovering || m_stepKind == Step::WaitingForBrowser
        || m_stepKind == Step::Exchanging;
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
    if (m_session.accessTokenExpiresAt - m_config.clock() > RefreshMarginSeconds) {
        enter(Step::SignedIn);
        scheduleRefresh();
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

void SessionManager::scheduleRefresh()
{
    const qint64 remaining = m_session.accessTokenExpiresAt - m_config.clock();
    // At 80 % of the remaining lifetime, and never within the last minute.
    const qint64 wait = qMin(remaining * 8 / 10, remaining - RefreshMarginSeconds);
    m_refreshTimer.start(int(qBound(qint64(1), wait, qint64(24 * 3600)) * 1000));
}

void SessionManager::refresh()
{
    if (m_stepKind == Step::Refreshing)
        return;
    if (m_session.refreshToken.isEmpty()) {
        // Nothing to renew with (the provider gave no refresh token): the
        // session ends with its access token.
        const qint64 left = m_session.accessTokenExpiresAt - m_config.clock();
        if (left <= 0)
            signedOut(SignOutReason::SessionEnded,
                      ClientError::make(ClientError::Code::SessionEnded, QStringLiteral("no refresh token")));
        else
            m_refreshTimer.start(int(qMin<qint64>(left, 24 * 3600) * 1000 + 1000));
        return;
    }
    // One refresh at a time across every running instance: two rotations of
    // one token would look like theft to the server and end the session.
    RefreshLock *lock = nullptr;
    if (!m_config.refreshLockPath.isEmpty()) {
        auto held = std::make_unique<RefreshLock>(m_config.refreshLockPath, m_config.refreshLockStaleMs);
        if (!held->tryLock()) {
            m_refreshTimer.start(LockRetryMs);
            return;
        }
        lock = held.release();
    }
    SessionStep *step = enter(Step::Refreshing);
    if (lock) {
        lock->setParent(step);
        step->onKill([lock] { delete lock; }); // free for the others at once, not at deleteLater
    }
    // Another instance may have rotated the token already: the keychain knows.
    step->await(m_vault->load(m_profile), [this, step](VaultJob *job) {
        const StoredSession &stored = job->session();
        const bool rotatedElsewhere = job->error().ok() && stored.refreshToken != m_session.refreshToken;
        if (rotatedElsewhere) {
            m_session = stored;
            if (m_session.accessTokenExpiresAt - m_config.clock() > RefreshMarginSeconds) {
                enter(Step::SignedIn);
                Q_EMIT refreshed();
                scheduleRefresh();
                return;
            }
        }
        withMetadata(step, [this, step] { refreshWithServer(step); });
    });
}

void SessionManager::refreshWithServer(SessionStep *step)
{
    step->await(TokenJob::refresh(m_manager, m_metadata->tokenEndpoint, m_config.clientId, m_session.refreshToken),
                [this, step](TokenJob *job) {
                    if (!job->error().ok()) {
                        refreshFailed(job->error());
                        return;
                    }
                    const TokenResponse &r = job->response();
                    saveRefreshed(step,
                                  StoredSession{r.refreshToken.isEmpty() ? m_session.refreshToken : r.refreshToken,
                                                r.accessToken, m_config.clock() + r.expiresIn, refreshedIdToken(r)});
                });
}

QString SessionManager::refreshedIdToken(const TokenResponse &response) const
{
    // A refreshed ID token is kept only if it is valid and names the same person.
    const bool idTokenOk = !response.idToken.isEmpty()
        && TokenValidator(m_metadata->issuer, m_config.clientId, m_config.clock)
               .validateRefreshedIdToken(response.idToken, m_keys, m_profile.subject)
               .ok();
    return idTokenOk ? response.idToken : m_session.idToken;
}

void SessionManager::saveRefreshed(SessionStep *step, const StoredSession &next)
{
    // The server has retired the old token: from now on the new one is the
    // session, and the one a sign-out must revoke, even before it is saved.
    m_session = next;
    // The rotated refresh token is saved before refreshed() hands out the new
    // access token: a crash now must not leave only a retired token behind.
    step->await(m_vault->save(m_profile, next), [this](VaultJob *job) {
        m_vaultError = job->error();
        note(m_vaultError);
        qCDebug(lcSession) << "refreshed";
        enter(Step::SignedIn);
        Q_EMIT refreshed();
        scheduleRefresh();
    });
}

void SessionManager::refreshFailed(const ClientError &error)
{
    if (error.code == ClientError::Code::ServerRefused && error.serverError == QLatin1String(ErrorCode::InvalidGrant)) {
        m_vault->remove(m_profile);
        m_vault->forgetCurrentAccount();
        ClientError ended = error; // the server's words stay the detail
        ended.code = ClientError::Code::SessionEnded;
        signedOut(SignOutReason::SessionEnded, ended);
        return;
    }
    // Offline or a server hiccup: keep the session and try again later.
    qCInfo(lcSession) << "refresh failed, retrying:" << error.codeName();
    note(error);
    enter(Step::SignedIn);
    m_refreshTimer.start(RefreshRetryMs);
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
    m_refreshTimer.stop();
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
    if (m_metadata) {
        send(*m_metadata);
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
    setMetadata(std::nullopt);
    m_keys = {};
    m_keysFetchedAt = 0;
    signedOut(SignOutReason::None, {});
}
