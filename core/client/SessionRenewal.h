#pragma once

#include "ClientConfig.h"
#include "ClientError.h"
#include "StoredSession.h"

#include <QNetworkInformation>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

class ProviderCache;
class QNetworkAccessManager;
class RefreshLock;
class SessionStep;
class SessionVault;

// Keeps a session's access token renewed: when it is due, after a failure
// with backoff, at once when the network comes back, and when the wall clock
// says the token ran out while the machine slept (timers stop in a suspend;
// the clock does not). SessionManager decides what each outcome means for
// the session; this class decides when and runs one renewal at a time
// across every process (RefreshLock). A failed renewal keeps the grant, as
// Qt NetworkAuth's _q_accessTokenRequestFailed does: only the server's
// invalid_grant ends a session.
class SessionRenewal : public QObject
{
    Q_OBJECT
public:
    // What one run() can end in; each handler is called at most once, and
    // none after the step is killed.
    struct Handlers
    {
        // The server rotated the tokens: from now on these are the session,
        // also for a sign-out, though they are not saved yet.
        std::function<void(const StoredSession &issued)> issued;
        // Saved (or not: vaultError), ready to hand out.
        std::function<void(const StoredSession &renewed, const ClientError &vaultError)> renewed;
        // Another process renewed it meanwhile; the keychain had the result.
        std::function<void(const StoredSession &renewed)> renewedElsewhere;
        std::function<void(const ClientError &error)> failed;
    };

    SessionRenewal(const ClientConfig &config, QNetworkAccessManager *manager, SessionVault *vault,
                   ProviderCache *cache, QObject *parent = nullptr);
    ~SessionRenewal() override;

    void setConfig(const ClientConfig &config) { m_config = config; }

    // Watches `session`: due() at 80 % of its access token's remaining
    // lifetime, never later than a minute before the end.
    void schedule(const StoredSession &session);
    // Nothing is due until the next schedule() or retryLater().
    void stop();
    // The last run failed: due() again after the backoff (5 s doubling to
    // 5 min by default), or the server's Retry-After if longer.
    void retryLater(const ClientError &error);
    // Another process holds the lock: due() again shortly, still online.
    void retrySoon();
    // Whether the token is due (or overdue) for renewal now.
    bool isDue(const StoredSession &session) const;

    // Since the last failure, until the next success.
    bool isOffline() const { return m_offline; }
    const ClientError &lastError() const { return m_lastError; }
    // UTC seconds of the next attempt; 0 when none is planned.
    qint64 nextAttemptAt() const { return m_active ? m_dueAt : 0; }

    // False while another process renews (try again with retrySoon());
    // `lock` stays empty where no lock file is configured.
    bool takeLock(std::unique_ptr<RefreshLock> *lock) const;
    // One renewal inside `step`: the keychain first (another process may
    // have renewed), then discovery and keys if not known yet, /token, and
    // the keychain again before the new tokens are handed out.
    void run(SessionStep *step, std::unique_ptr<RefreshLock> lock, const AccountProfile &account,
             const StoredSession &current, const Handlers &handlers);

public Q_SLOTS:
    // Connected to QNetworkInformation; a test calls it for "the network is back".
    void onReachabilityChanged(QNetworkInformation::Reachability reachability);
    // Compares the wall clock with what is due: after a suspend or a clock change.
    void checkClock();

Q_SIGNALS:
    void due();
    // isOffline(), lastError() or nextAttemptAt() changed.
    void changed();

private:
    void arm(qint64 dueAt, qint64 delayMs);
    void requestTokens(SessionStep *step, const AccountProfile &account, const StoredSession &current,
                       const Handlers &handlers);
    QString refreshedIdToken(const QString &idToken, const AccountProfile &account, const StoredSession &current) const;
    void watchNetwork();

    ClientConfig m_config;
    QNetworkAccessManager *m_manager;
    SessionVault *m_vault;
    ProviderCache *m_cache;
    QTimer m_timer;      // the due time while the machine is awake
    QTimer m_clockCheck; // the due time after a suspend
    qint64 m_dueAt = 0;
    bool m_active = false;
    bool m_offline = false;
    int m_failures = 0;
    ClientError m_lastError;
};
