#include "SessionManager.h"

#include "BrowserLauncher.h"
#include "DiscoveryJob.h"
#include "JwksJob.h"
#include "LoopbackReceiver.h"
#include "OnboardingClient.h"
#include "RevokeJob.h"
#include "TokenJob.h"
#include "TokenValidator.h"
#include "TokenVault.h"
#include "UserInfoJob.h"

#include <QLockFile>
#include <QLoggingCategory>
#include <QNetworkAccessManager>

Q_LOGGING_CATEGORY(lcSession, "latchkey.session")

namespace {
constexpr int RefreshRetryMs = 30000;
constexpr int LockRetryMs = 500;
constexpr int LockStaleMs = 30000;
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
        if (m_state == State::SignedOut && m_signOutReason == SignOutReason::KeychainUnavailable)
            loadFromVault(true);
    });
    connect(m_receiver, &LoopbackReceiver::finished, this, &SessionManager::onCallback);
}

SessionManager::~SessionManager()
{
    releaseLock();
}

void SessionManager::setState(State state, const QString &message, const QString &detail)
{
    m_state = state;
    m_message = message;
    m_messageDetail = detail;
    qCDebug(lcSession) << "state" << state;
    Q_EMIT stateChanged(state);
}

void SessionManager::signedOut(SignOutReason reason, const QString &message, const QString &detail)
{
    m_refreshTimer.stop();
    m_session = {};
    m_signOutReason = reason;
    if (reason != SignOutReason::KeychainUnavailable)
        m_profile = {};
    if (m_onboarding)
        m_onboarding->deleteLater(); // the onboarding token goes with it
    setState(State::SignedOut, message, detail);
}

void SessionManager::fail(const QString &message, const QString &detail)
{
    ++m_generation;
    m_receiver->cancel();
    setState(State::Error, message, detail);
}

// ---- provider metadata and keys ----

template<typename Job>
void SessionManager::run(Job *job, std::function<void(Job *)> onDone, OnError onError)
{
    connect(job, &NetworkJob::finished, this, [this, job, onDone, onError, generation = m_generation] {
        job->deleteLater();
        if (generation != m_generation)
            return; // a newer flow replaced the one that asked
        if (job->error().ok())
            onDone(job);
        else
            onError(job->error().message);
    });
    job->start();
}

void SessionManager::withMetadata(std::function<void()> next, OnError onError)
{
    if (m_metadata) {
        next();
        return;
    }
    run<DiscoveryJob>(new DiscoveryJob(m_manager, m_config.issuer, this), [this, next](DiscoveryJob *job) {
        setMetadata(job->metadata());
        next();
    }, onError);
}

void SessionManager::setMetadata(const std::optional<ProviderMetadata> &metadata)
{
    const QList<UpstreamProviderInfo> before = upstreamProviders();
    m_metadata = metadata;
    if (upstreamProviders() != before)
        Q_EMIT upstreamProvidersChanged(upstreamProviders());
}

QList<UpstreamProviderInfo> SessionManager::upstreamProviders() const
{
    return m_metadata ? m_metadata->upstreamProviders : QList<UpstreamProviderInfo>();
}

void SessionManager::loadUpstreamProviders()
{
    if (m_metadata || m_loadingProvidersOf == m_config.issuer)
        return;
    // Outside the flows' generations: a sign-in starting meanwhile must not
    // silence this answer, which stays true until the server changes.
    m_loadingProvidersOf = m_config.issuer;
    auto *job = new DiscoveryJob(m_manager, m_config.issuer, this);
    connect(job, &NetworkJob::finished, this, [this, job, issuer = m_config.issuer] {
        job->deleteLater();
        if (issuer != m_config.issuer)
            return; // asked of a server no longer used
        m_loadingProvidersOf.clear();
        if (job->error().ok() && !m_metadata)
            setMetadata(job->metadata());
    });
    job->start();
}

void SessionManager::withKeys(bool refetch, std::function<void()> next, OnError onError)
{
    if (!m_keys.isEmpty() && !refetch) {
        next();
        return;
    }
    run<JwksJob>(new JwksJob(m_manager, m_metadata->jwksUri, this), [this, next](JwksJob *job) {
        m_keys = job->keys();
        m_keysFetchedAt = m_config.clock();
        next();
    }, onError);
}

// ---- signing in ----

void SessionManager::signIn(const QString &provider)
{
    ++m_generation;
    m_upstreamProvider = provider;
    m_vaultRetry.stop();
    m_signOutReason = SignOutReason::None;
    m_authorizationUrl.clear();
    setState(State::WaitingForBrowser);
    auto onError = [this](const QString &message) { fail(message); };
    withMetadata([this, onError] { withKeys(false, [this] { startBrowser(); }, onError); }, onError);
}

void SessionManager::signInAgain()
{
    // email_in_use says this provider is the wrong one for the person's
    // account: the server's chooser lets them pick the one they used first.
    const bool wrongProvider = m_onboarding
        && m_onboarding->lastError().protocolError == QLatin1String("email_in_use");
    signIn(wrongProvider ? QString() : m_upstreamProvider);
}

void SessionManager::startBrowser()
{
    if (!m_receiver->listen()) {
        fail(m_receiver->errorMessage());
        return;
    }
    m_authorization = AuthorizationSession::create(m_receiver->redirectUri());
    // Only a provider the server lists: the parameter is an extension.
    const QString provider = m_metadata->listsUpstreamProvider(m_upstreamProvider) ? m_upstreamProvider : QString();
    m_authorizationUrl = m_authorization.url(*m_metadata, m_config.clientId, m_config.scope, {}, provider);
    m_receiver->expect(m_authorization.state, m_metadata->issParameterSupported ? m_metadata->issuer : QString(),
                       m_config.browserTimeoutMs);
    QString error;
    const bool opened = BrowserLauncher(m_config.browserCommand).open(m_authorizationUrl, &error);
    // Still waiting when no browser opened: the person can copy the link.
    setState(State::WaitingForBrowser, opened ? QString() : error);
}

void SessionManager::openBrowserAgain()
{
    if (m_state == State::WaitingForBrowser && m_receiver->isListening())
        startBrowser(); // a fresh state and PKCE pair; the old link stops working
}

void SessionManager::onCallback()
{
    if (m_state != State::WaitingForBrowser)
        return;
    switch (m_receiver->error()) {
    case LoopbackReceiver::Error::None:
        Q_EMIT browserReturned();
        exchange(m_receiver->code());
        return;
    case LoopbackReceiver::Error::Cancelled:
        return;
    case LoopbackReceiver::Error::AccessDenied:
        Q_EMIT browserReturned();
        signedOut(SignOutReason::AccessDenied, m_receiver->errorMessage(), m_receiver->errorDetail());
        return;
    default:
        Q_EMIT browserReturned();
        fail(m_receiver->errorMessage(), m_receiver->errorDetail());
    }
}

void SessionManager::exchange(const QString &code)
{
    setState(State::Exchanging);
    const QString nonce = m_authorization.nonce;
    run<TokenJob>(TokenJob::exchangeCode(m_manager, m_metadata->tokenEndpoint, m_config.clientId, code,
                                         m_authorization.redirectUri, m_authorization.verifier, this),
                  [this, nonce](TokenJob *job) { handleTokens(job->response(), nonce, {}); },
                  [this](const QString &message) { fail(message); });
}

void SessionManager::validate(const QString &token, bool onboarding, const QString &nonce,
                              std::function<void(const QJsonObject &)> next)
{
    const TokenValidator validator(m_metadata->issuer, m_config.clientId, m_config.clock);
    const auto result = onboarding ? validator.validateOnboardingToken(token, m_keys, nonce)
                                   : validator.validateIdToken(token, m_keys, nonce);
    if (result.error == TokenValidator::Error::UnknownKey
        && m_config.clock() - m_keysFetchedAt >= KeyRefetchIntervalSeconds) {
        // A rotated key: fetch the set once more, then decide.
        withKeys(true, [=, this] { validate(token, onboarding, nonce, next); },
                 [this](const QString &message) { fail(message); });
        return;
    }
    if (!result.ok()) {
        qCWarning(lcSession) << "token rejected:" << result.error << result.message;
        fail(onboarding ? tr("The server's registration token is not valid (%1).").arg(result.message)
                        : tr("The server's identity token is not valid (%1).").arg(result.message));
        return;
    }
    next(result.claims);
}

void SessionManager::handleTokens(const TokenResponse &tokens, const QString &nonce, const QString &provider)
{
    if (tokens.kind == TokenResponse::Kind::OnboardingRequired) {
        if (!m_metadata->supportsOnboarding()) {
            fail(tr("This is your first sign-in, but the server offers no way to register from this app."));
            return;
        }
        validate(tokens.onboardingToken, true, nonce,
                 [=, this](const QJsonObject &claims) { enterOnboarding(tokens, claims, nonce); });
        return;
    }
    if (tokens.idToken.isEmpty()) {
        fail(tr("The server sent no identity token."));
        return;
    }
    validate(tokens.idToken, false, nonce,
             [=, this](const QJsonObject &claims) { completeSignIn(tokens, claims, provider); });
}

void SessionManager::enterOnboarding(const TokenResponse &tokens, const QJsonObject &c, const QString &nonce)
{
    OnboardingContext context;
    context.token = tokens.onboardingToken;
    context.codeVerifier = m_authorization.verifier;
    context.nonce = nonce;
    context.provider = c.value(QLatin1String("provider")).toString();
    context.providerId = c.value(QLatin1String("provider_id")).toString();
    context.email = c.value(QLatin1String("email")).toString();
    context.emailVerified = c.value(QLatin1String("email_verified")).toBool();
    context.name = c.value(QLatin1String("name")).toString();
    context.preferredUsername = c.value(QLatin1String("preferred_username")).toString();
    context.expiresAt = qint64(c.value(QLatin1String("exp")).toDouble());
    context.termsOfService = m_metadata->termsOfService;
    context.onboardingEndpoint = m_metadata->onboardingEndpoint;
    context.usernameCheckEndpoint = m_metadata->usernameCheckEndpoint;
    if (m_onboarding)
        m_onboarding->deleteLater();
    m_onboarding = new OnboardingClient(m_manager, context, m_config.clientId, this);
    connect(m_onboarding, &OnboardingClient::submitted, this,
            [this, generation = m_generation](OnboardingClient::Outcome outcome, const TokenResponse &created) {
                if (generation != m_generation || outcome != OnboardingClient::Outcome::Created)
                    return;
                const OnboardingContext finished = m_onboarding->context();
                setState(State::Exchanging);
                handleTokens(created, finished.nonce, finished.provider);
            });
    setState(State::OnboardingRequired);
}

void SessionManager::completeSignIn(const TokenResponse &tokens, const QJsonObject &c, const QString &provider)
{
    m_profile = AccountProfile{m_metadata->issuer,
                               c.value(QLatin1String("sub")).toString(),
                               c.value(QLatin1String("name")).toString(),
                               c.value(QLatin1String("preferred_username")).toString(),
                               c.value(QLatin1String("email")).toString(),
                               c.value(QLatin1String("email_verified")).toBool(),
                               provider.isEmpty() ? c.value(QLatin1String("idp")).toString() : provider};
    m_session = StoredSession{tokens.refreshToken, tokens.accessToken, m_config.clock() + tokens.expiresIn,
                              tokens.idToken};
    if (m_onboarding)
        m_onboarding->deleteLater();
    fillFromUserInfo([this] {
        store([this] {
            setState(State::SignedIn);
            scheduleRefresh();
        });
    });
}

void SessionManager::fillFromUserInfo(std::function<void()> next)
{
    // Many providers keep profile claims out of the ID token; userinfo has them.
    const bool complete = !m_profile.name.isEmpty() && !m_profile.username.isEmpty() && !m_profile.email.isEmpty();
    if (complete || m_metadata->userinfoEndpoint.isEmpty()) {
        next();
        return;
    }
    auto *job = new UserInfoJob(m_manager, m_metadata->userinfoEndpoint, m_session.accessToken, this);
    connect(job, &NetworkJob::finished, this, [this, job, next, generation = m_generation] {
        job->deleteLater();
        if (generation != m_generation)
            return;
        const QJsonObject &c = job->claims();
        if (job->error().ok() && c.value(QLatin1String("sub")).toString() == m_profile.subject) {
            auto fill = [&c](QString &field, const char *claim) {
                if (field.isEmpty())
                    field = c.value(QLatin1String(claim)).toString();
            };
            fill(m_profile.name, "name");
            fill(m_profile.username, "preferred_username");
            if (m_profile.email.isEmpty()) {
                m_profile.email = c.value(QLatin1String("email")).toString();
                m_profile.emailVerified = c.value(QLatin1String("email_verified")).toBool();
            }
        }
        next(); // a profile with gaps is no reason to fail signing in
    });
    job->start();
}

void SessionManager::store(std::function<void()> next)
{
    m_vault->setCurrentAccount(m_profile);
    VaultJob *job = m_vault->save(m_profile, m_session);
    connect(job, &VaultJob::finished, this, [this, job, next] {
        m_vaultWarning = job->error() == VaultJob::Error::None
            ? QString()
            : tr("Your session can't be remembered on this computer: %1").arg(job->errorMessage());
        next();
    });
}

void SessionManager::cancel()
{
    ++m_generation;
    m_receiver->cancel();
    signedOut(SignOutReason::Cancelled, {});
}

// ---- restoring and refreshing ----

void SessionManager::restore()
{
    const AccountProfile account = m_vault->currentAccount();
    if (!account.isValid() || account.issuer != m_config.issuer) {
        signedOut(SignOutReason::None, {});
        return;
    }
    m_profile = account;
    setState(State::Restoring);
    loadFromVault(false);
}

void SessionManager::loadFromVault(bool quietRetry)
{
    ++m_generation;
    VaultJob *job = m_vault->load(m_profile);
    connect(job, &VaultJob::finished, this, [this, job, quietRetry, generation = m_generation] {
        if (generation != m_generation)
            return;
        switch (job->error()) {
        case VaultJob::Error::None:
            break;
        case VaultJob::Error::NotFound:
        case VaultJob::Error::Corrupt:
            m_vault->forgetCurrentAccount();
            signedOut(SignOutReason::SessionEnded, job->errorMessage());
            return;
        default:
            // Keep who was signed in and try again: the keychain may be unlocked
            // later. Retries stay quiet: the view only changes when one works.
            if (!quietRetry)
                signedOut(SignOutReason::KeychainUnavailable,
                          tr("Your session can't be restored right now: %1").arg(job->errorMessage()));
            m_vaultRetry.start();
            return;
        }
        m_session = job->session();
        if (m_session.accessTokenExpiresAt - m_config.clock() > RefreshMarginSeconds) {
            setState(State::SignedIn);
            scheduleRefresh();
        } else {
            refresh();
        }
    });
}

void SessionManager::refreshNow()
{
    if (m_state == State::SignedIn || m_state == State::Restoring)
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
    if (m_refreshing)
        return;
    if (m_session.refreshToken.isEmpty()) {
        // Nothing to renew with (the provider gave no refresh token): the
        // session ends with its access token.
        const qint64 left = m_session.accessTokenExpiresAt - m_config.clock();
        if (left <= 0)
            signedOut(SignOutReason::SessionEnded, tr("Your session has ended. Sign in again."));
        else
            m_refreshTimer.start(int(qMin<qint64>(left, 24 * 3600) * 1000 + 1000));
        return;
    }
    // One refresh at a time across every running instance: two rotations of
    // one token would look like theft to the server and end the session.
    if (!m_config.refreshLockPath.isEmpty()) {
        m_lock = std::make_unique<QLockFile>(m_config.refreshLockPath);
        m_lock->setStaleLockTime(LockStaleMs);
        if (!m_lock->tryLock(0)) {
            m_lock.reset();
            m_refreshTimer.start(LockRetryMs);
            return;
        }
    }
    m_refreshing = true;
    // Another instance may have rotated the token already: the keychain knows.
    VaultJob *job = m_vault->load(m_profile);
    connect(job, &VaultJob::finished, this, [this, job, generation = m_generation] {
        if (generation != m_generation) {
            releaseLock();
            return;
        }
        const StoredSession &stored = job->session();
        const bool rotatedElsewhere = job->error() == VaultJob::Error::None
            && stored.refreshToken != m_session.refreshToken;
        if (rotatedElsewhere) {
            m_session = stored;
            if (m_session.accessTokenExpiresAt - m_config.clock() > RefreshMarginSeconds) {
                finishRefresh(stored);
                return;
            }
        }
        refreshLocked();
    });
}

void SessionManager::refreshLocked()
{
    withMetadata(
        [this] {
            auto *job = TokenJob::refresh(m_manager, m_metadata->tokenEndpoint, m_config.clientId,
                                          m_session.refreshToken, this);
            connect(job, &NetworkJob::finished, this, [this, job, generation = m_generation] {
                job->deleteLater();
                if (generation != m_generation) {
                    releaseLock();
                    return;
                }
                if (!job->error().ok()) {
                    refreshFailed(job->error());
                    return;
                }
                const TokenResponse &r = job->response();
                // A refreshed ID token is kept only if it is valid and names the same person.
                const bool idTokenOk = !r.idToken.isEmpty()
                    && TokenValidator(m_metadata->issuer, m_config.clientId, m_config.clock)
                           .validateRefreshedIdToken(r.idToken, m_keys, m_profile.subject)
                           .ok();
                finishRefresh(StoredSession{r.refreshToken.isEmpty() ? m_session.refreshToken : r.refreshToken,
                                            r.accessToken, m_config.clock() + r.expiresIn,
                                            idTokenOk ? r.idToken : m_session.idToken});
            });
            job->start();
        },
        [this](const QString &message) { refreshFailed(JobError::make(JobError::Code::Network, message)); });
}

void SessionManager::finishRefresh(const StoredSession &next)
{
    // The rotated refresh token is saved before anything uses the new access
    // token: a crash now must not leave only a retired token in the keychain.
    VaultJob *job = m_vault->save(m_profile, next);
    connect(job, &VaultJob::finished, this, [this, job, next] {
        m_vaultWarning = job->error() == VaultJob::Error::None
            ? QString()
            : tr("Your session can't be remembered on this computer: %1").arg(job->errorMessage());
        m_session = next;
        releaseLock();
        if (m_state != State::SignedIn)
            setState(State::SignedIn);
        Q_EMIT refreshed();
        scheduleRefresh();
    });
}

void SessionManager::refreshFailed(const JobError &error)
{
    releaseLock();
    if (error.code == JobError::Code::Protocol && error.protocolError == QLatin1String("invalid_grant")) {
        m_vault->remove(m_profile);
        m_vault->forgetCurrentAccount();
        signedOut(SignOutReason::SessionEnded, tr("Your session has ended (%1). Sign in again.").arg(error.message));
        return;
    }
    // Offline or a server hiccup: keep the session and try again later.
    qCInfo(lcSession) << "refresh failed, retrying:" << error.code;
    if (m_state == State::Restoring)
        setState(State::SignedIn);
    m_refreshTimer.start(RefreshRetryMs);
}

void SessionManager::releaseLock()
{
    m_refreshing = false;
    if (m_lock)
        m_lock->unlock();
    m_lock.reset();
}

// ---- signing out ----

void SessionManager::signOut()
{
    ++m_generation;
    m_vaultRetry.stop();
    releaseLock();
    const AccountProfile account = m_profile;
    const QString refreshToken = m_session.refreshToken;
    auto pending = std::make_shared<int>(1);
    auto done = [this, pending] {
        if (--*pending == 0)
            Q_EMIT signOutFinished();
    };
    if (!refreshToken.isEmpty()) {
        ++*pending;
        auto revoke = [this, refreshToken, done] {
            if (m_metadata->revocationEndpoint.isEmpty()) {
                done();
                return;
            }
            auto *job = new RevokeJob(m_manager, m_metadata->revocationEndpoint, m_config.clientId, refreshToken, this);
            connect(job, &NetworkJob::finished, this, [job, done] {
                job->deleteLater();
                done();
            });
            job->start();
        };
        // Best effort: an unreachable server does not keep anyone signed in here.
        withMetadata(revoke, [done](const QString &) { done(); });
    }
    if (account.isValid())
        connect(m_vault->remove(account), &VaultJob::finished, this, done);
    else
        QTimer::singleShot(0, this, done);
    m_vault->forgetCurrentAccount();
    signedOut(SignOutReason::UserRequested, {});
}

void SessionManager::reconfigure(const ClientConfig &config)
{
    if (m_state == State::SignedIn || m_state == State::Restoring)
        signOut();
    ++m_generation;
    m_receiver->cancel();
    m_config = config;
    m_upstreamProvider.clear();
    setMetadata(std::nullopt);
    m_keys = {};
    m_keysFetchedAt = 0;
    signedOut(SignOutReason::None, {});
}
