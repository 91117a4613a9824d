#include "SessionRenewal.h"

#include "ClientLogging.h"
#include "ProviderCache.h"
#include "RefreshLock.h"
#include "SessionStep.h"
#include "SessionVault.h"
#include "TokenJob.h"
#include "TokenValidator.h"
#include "VaultJob.h"

namespace {
constexpr int LockRetryMs = 500;
constexpr qint64 MarginSeconds = 60;          // renew earlier than this before expiry
constexpr qint64 MaxTimerSeconds = 24 * 3600; // the clock check covers anything longer
} // namespace

SessionRenewal::SessionRenewal(const ClientConfig &config, QNetworkAccessManager *manager, SessionVault *vault,
                               ProviderCache *cache, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_manager(manager)
    , m_vault(vault)
    , m_cache(cache)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        m_active = false;
        m_clockCheck.stop();
        Q_EMIT due();
    });
    connect(&m_clockCheck, &QTimer::timeout, this, &SessionRenewal::checkClock);
    watchNetwork();
}

SessionRenewal::~SessionRenewal() = default;

void SessionRenewal::watchNetwork()
{
    // Where no backend answers (no NetworkManager), backoff and the clock still work.
    if (!QNetworkInformation::instance()
        && !QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability))
        return;
    connect(QNetworkInformation::instance(), &QNetworkInformation::reachabilityChanged, this,
            &SessionRenewal::onReachabilityChanged);
}

bool SessionRenewal::isDue(const StoredSession &session) const
{
    return session.accessTokenExpiresAt - m_config.clock() <= MarginSeconds;
}

void SessionRenewal::schedule(const StoredSession &session)
{
    const bool wasOffline = m_offline;
    m_offline = false;
    m_failures = 0;
    m_lastError = {};
    const qint64 remaining = session.accessTokenExpiresAt - m_config.clock();
    // At 80 % of the remaining lifetime, and never within the last minute.
    const qint64 wait = qMax(qint64(1), qMin(remaining * 8 / 10, remaining - MarginSeconds));
    arm(m_config.clock() + wait, wait * 1000);
    if (wasOffline)
        qCInfo(lcSession) << "renewal works again";
    Q_EMIT changed();
}

void SessionRenewal::retryLater(const ClientError &error)
{
    ++m_failures;
    const qint64 backoff = qMin(qint64(m_config.renewalRetryMs) << qMin(m_failures - 1, 20),
                                qint64(m_config.renewalRetryMaxMs));
    const qint64 delayMs = qMax(backoff, qint64(error.retryAfter) * 1000);
    m_offline = true;
    m_lastError = error;
    arm(m_config.clock() + (delayMs + 999) / 1000, delayMs);
    qCInfo(lcSession).noquote() << "renewal failed:" << error.codeName() << error.serverError << "- next try in"
                                << delayMs / 1000 << "s";
    Q_EMIT changed();
}

void SessionRenewal::retrySoon()
{
    arm(m_config.clock() + 1, LockRetryMs);
}

void SessionRenewal::stop()
{
    m_active = false;
    m_timer.stop();
    m_clockCheck.stop();
}

void SessionRenewal::arm(qint64 dueAt, qint64 delayMs)
{
    m_dueAt = dueAt;
    m_active = true;
    m_timer.start(int(qBound(qint64(0), delayMs, MaxTimerSeconds * 1000)));
    m_clockCheck.start(m_config.clockCheckMs);
}

void SessionRenewal::checkClock()
{
    if (!m_active || m_config.clock() < m_dueAt)
        return;
    qCInfo(lcSession) << "renewal overdue by" << m_config.clock() - m_dueAt << "s (the machine slept?)";
    m_timer.stop();
    m_timer.start(0); // one path for every reason it is due
}

void SessionRenewal::onReachabilityChanged(QNetworkInformation::Reachability reachability)
{
    if (reachability != QNetworkInformation::Reachability::Online || !m_active)
        return;
    if (!m_offline) {
        checkClock(); // a network change often follows a wake-up
        return;
    }
    qCInfo(lcSession) << "the network is back: renewing now";
    m_timer.start(0);
}

bool SessionRenewal::takeLock(std::unique_ptr<RefreshLock> *lock) const
{
    if (m_config.refreshLockPath.isEmpty())
        return true;
    auto held = std::make_unique<RefreshLock>(m_config.refreshLockPath, m_config.refreshLockStaleMs);
    if (!held->tryLock())
        return false;
    *lock = std::move(held);
    return true;
}

void SessionRenewal::run(SessionStep *step, std::unique_ptr<RefreshLock> lock, const AccountProfile &account,
                         const StoredSession &current, const Handlers &handlers)
{
    if (RefreshLock *held = lock.release()) {
        held->setParent(step);
        step->onKill([held] { delete held; }); // free for the others at once, not at deleteLater
    }
    // Another process may have renewed already: the keychain knows.
    step->await(m_vault->load(account), [this, step, account, current, handlers](VaultJob *job) {
        const StoredSession &stored = job->session();
        if (!job->error().ok() || stored.refreshToken == current.refreshToken) {
            requestTokens(step, account, current, handlers);
            return;
        }
        if (!isDue(stored)) {
            handlers.renewedElsewhere(stored);
            return;
        }
        handlers.issued(stored);
        requestTokens(step, account, stored, handlers);
    });
}

void SessionRenewal::requestTokens(SessionStep *step, const AccountProfile &account, const StoredSession &current,
                                   const Handlers &handlers)
{
    auto send = [this, step, account, current, handlers] {
        step->await(TokenJob::refresh(m_manager, m_cache->metadata()->tokenEndpoint, m_config.clientId,
                                      current.refreshToken),
                    [this, step, account, current, handlers](TokenJob *job) {
                        if (!job->error().ok()) {
                            handlers.failed(job->error());
                            return;
                        }
                        const TokenResponse &r = job->response();
                        const StoredSession next{r.refreshToken.isEmpty() ? current.refreshToken : r.refreshToken,
                                                 r.accessToken, m_config.clock() + r.expiresIn,
                                                 refreshedIdToken(r.idToken, account, current)};
                        // The server has retired the old token: the new one is the session now.
                        handlers.issued(next);
                        // Saved before it is handed out: a crash now must not leave only a retired token.
                        step->await(m_vault->save(account, next),
                                    [next, handlers](VaultJob *saved) { handlers.renewed(next, saved->error()); });
                    });
    };
    // Discovery and keys fail as the renewal does: the session stays and it is tried again.
    m_cache->withMetadataAndKeys(step, send, handlers.failed);
}

QString SessionRenewal::refreshedIdToken(const QString &idToken, const AccountProfile &account,
                                         const StoredSession &current) const
{
    // A refreshed ID token is kept only if it is valid and names the same person.
    const bool idTokenOk = !idToken.isEmpty()
        && TokenValidator(m_cache->metadata()->issuer, m_config.clientId, m_config.clock)
               .validateRefreshedIdToken(idToken, m_cache->keys(), account.subject)
               .ok();
    return idTokenOk ? idToken : current.idToken;
}
