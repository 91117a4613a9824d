#pragma once

#include "AuthorizationSession.h"
#include "ClientConfig.h"
#include "JwkSet.h"
#include "OnboardingClient.h"
#include "OnboardingContext.h"
#include "ProviderMetadata.h"
#include "StoredSession.h"
#include "TokenResponse.h"
#include "JobError.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>

class LoopbackReceiver;
class QLockFile;
class QNetworkAccessManager;
class TokenVault;
class VaultJob;

// The one object the UI talks to. It owns the sign-in flow (discovery, the
// loopback receiver, the browser, the code exchange, token validation), the
// onboarding hand-off, and the session's life: restoring it from the
// keychain, refreshing it in the background, signing out.
class SessionManager : public QObject
{
    Q_OBJECT
public:
    enum class State { SignedOut, Restoring, WaitingForBrowser, Exchanging, OnboardingRequired, SignedIn, Error };
    Q_ENUM(State)
    // Why the person is signed out (shown on the signed-out view).
    enum class SignOutReason { None, UserRequested, Cancelled, AccessDenied, SessionEnded, KeychainUnavailable };
    Q_ENUM(SignOutReason)

    SessionManager(const ClientConfig &config, QNetworkAccessManager *manager, TokenVault *vault,
                   QObject *parent = nullptr);
    ~SessionManager() override;

    State state() const { return m_state; }
    SignOutReason signOutReason() const { return m_signOutReason; }
    // The specific message for Error and for the signed-out reason.
    QString message() const { return m_message; }
    // The server's own explanation beneath message(), when it gave one:
    // plain text, never markup. Empty otherwise.
    QString messageDetail() const { return m_messageDetail; }
    // Set while signed in when the session could not be saved in the keychain.
    QString vaultWarning() const { return m_vaultWarning; }
    const AccountProfile &profile() const { return m_profile; }
    qint64 accessTokenExpiresAt() const { return m_session.accessTokenExpiresAt; }
    QString accessToken() const { return m_session.accessToken; }
    // False when the provider issued no refresh token: the session ends with the access token.
    bool canRenew() const { return !m_session.refreshToken.isEmpty(); }
    QString idToken() const { return m_session.idToken; }
    QUrl authorizationUrl() const { return m_authorizationUrl; }
    const ClientConfig &config() const { return m_config; }
    OnboardingClient *onboarding() const { return m_onboarding; }
    // The providers the server lists in discovery (upstream_providers);
    // empty at a standard OP, and until discovery has answered.
    QList<UpstreamProviderInfo> upstreamProviders() const;
    // The provider of the current or last sign-in; empty: the server's chooser.
    QString upstreamProvider() const { return m_upstreamProvider; }

public Q_SLOTS:
    void restore();
    // `provider`: an id of upstreamProviders(), so the browser goes straight
    // to that provider; empty, or one the server does not list: the server
    // shows its own chooser.
    void signIn(const QString &provider = {});
    // Try again, or restart after a failed registration: with the provider chosen last.
    void signInAgain();
    // For the signed-out view: fetches discovery unless it is known, then
    // upstreamProvidersChanged() tells. A failure is quiet: no list, plain sign-in.
    void loadUpstreamProviders();
    void openBrowserAgain();
    void cancel();
    void signOut();
    void refreshNow();
    // Another server or client id: signs out of the current one first.
    void reconfigure(const ClientConfig &config);

Q_SIGNALS:
    void stateChanged(SessionManager::State state);
    // The browser came back to the loopback receiver: a good moment to raise the window.
    void browserReturned();
    void refreshed();
    void signOutFinished();
    void upstreamProvidersChanged(const QList<UpstreamProviderInfo> &providers);

private:
    void setState(State state, const QString &message = {}, const QString &detail = {});
    void signedOut(SignOutReason reason, const QString &message, const QString &detail = {});
    void fail(const QString &message, const QString &detail = {});
    void setMetadata(const std::optional<ProviderMetadata> &metadata);

    using OnError = std::function<void(const QString &message)>;
    // Starts a job of this flow; a newer flow silences its answer.
    template<typename Job>
    void run(Job *job, std::function<void(Job *)> onDone, OnError onError);
    void withMetadata(std::function<void()> next, OnError onError);
    void withKeys(bool refetch, std::function<void()> next, OnError onError);
    void startBrowser();
    void onCallback();
    void exchange(const QString &code);
    void handleTokens(const TokenResponse &tokens, const QString &nonce, const QString &provider);
    void enterOnboarding(const TokenResponse &tokens, const QJsonObject &claims, const QString &nonce);
    // Validates with the cached keys, refetching them once on an unknown kid.
    void validate(const QString &token, bool onboarding, const QString &nonce,
                  std::function<void(const QJsonObject &claims)> next);
    void completeSignIn(const TokenResponse &tokens, const QJsonObject &idClaims, const QString &provider);
    void fillFromUserInfo(std::function<void()> next);
    void store(std::function<void()> next);

    void loadFromVault(bool quietRetry);
    void refresh();
    void refreshLocked();
    void finishRefresh(const StoredSession &next);
    void refreshFailed(const JobError &error);
    void scheduleRefresh();
    void releaseLock();

    ClientConfig m_config;
    QNetworkAccessManager *m_manager;
    TokenVault *m_vault;
    State m_state = State::SignedOut;
    SignOutReason m_signOutReason = SignOutReason::None;
    QString m_message;
    QString m_messageDetail;
    QString m_vaultWarning;

    std::optional<ProviderMetadata> m_metadata;
    QString m_loadingProvidersOf; // the issuer whose discovery is on its way
    QString m_upstreamProvider;
    JwkSet m_keys;
    qint64 m_keysFetchedAt = 0;
    LoopbackReceiver *m_receiver;
    AuthorizationSession m_authorization;
    QUrl m_authorizationUrl;
    QPointer<OnboardingClient> m_onboarding;

    AccountProfile m_profile;
    StoredSession m_session;
    QTimer m_refreshTimer;
    QTimer m_vaultRetry;
    bool m_refreshing = false;
    std::unique_ptr<QLockFile> m_lock;
    quint64 m_generation = 0; // bumps on every new flow, so stale callbacks are ignored
};
