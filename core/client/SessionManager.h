#pragma once

#include "AuthorizationSession.h"
#include "ClientConfig.h"
#include "ClientError.h"
#include "DeviceAuthorization.h"
#include "Diagnostics.h"
#include "JwkSet.h"
#include "OnboardingClient.h"
#include "OnboardingContext.h"
#include "PendingLink.h"
#include "ProviderMetadata.h"
#include "StoredSession.h"
#include "TokenResponse.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <optional>

class LoopbackReceiver;
class ProviderCache;
class SessionRenewal;
class SessionStep;
class SessionVault;
class TokenJob;
class QNetworkAccessManager;
class VaultJob;

// The one object the UI talks to, and the one place that moves the session
// from state to state. Each state runs as one SessionStep; entering a state
// kills the step of the one before (its network jobs are aborted, its
// loopback wait ends, answers still on their way are dropped), so an answer
// reaches the step that asked for it or nobody.
//
// Which step may follow which is written down once, in SessionTransitions;
// enter() refuses (and logs as a bug) any other. Renewing is SessionRenewal's
// (when, backoff, the lock, the wall clock after a suspend), discovery and
// keys ProviderCache's; a failure is routed by the step it happens in.
//
//   SignedOut ──restore()──► Restoring ──(token fresh)──────────────► SignedIn
//     ▲   ▲                      │  │ (token about to expire)            │  ▲
//     │   │   (keychain locked)  │  └──────────► Refreshing ◄──(timer,   │  │
//     │   └── KeychainRetry ◄────┘                │        refreshNow())─┘  │
//     │        (shown as SignedOut; retried       │ lock, keychain re-read, │
//     │         by a timer ──► Restoring)         │ /token, saved first ────┘
//     │          (any other failure: SignedIn, offline; └─(invalid_grant)──► SignedOut
//     │           retried with backoff, on network back, on wake-up)
//     │ signIn()
//     ├────────► Discovering ──(metadata, keys)──► WaitingForBrowser ◄─┐
//     │                                              │ callback   openBrowserAgain()
//     │                                              ▼
//     ├─ signInWithDevice() ─► Discovering ─► WaitingForDevice ─(polls: tokens)─► Exchanging
//     │               Onboarding ◄──(onboarding)── Exchanging ──(ID token valid,
//     │                    └──(account created)──────►▲          userinfo)──► Storing
//     │                                                                        │
//     │                                             SignedIn ◄──(saved)────────┘
//     │
//     ├── access_denied, reconfigure(), signOut(): from every state; cancel():
//     │   from every step of a sign-in, never from a session the person has
//     Error ◄── any failure from Discovering to Storing; signIn()/cancel() leave it
//
// Every sign-in has a Purpose; the steps are the same, only where it ends
// differs (PROTOCOL.md 6.5):
//   Link (linkAccount(), from the wizard's email_in_use): Onboarding ──►
//     Discovering ──► ... ──► SignedIn with linkedProvider() set; access_denied
//     or an upstream failure ──► SignedOut (LinkNotMade, link_error).
//   AddMethod, Reauthenticate (signInForAccount(), while SignedIn): SignedIn ──►
//     Discovering ──► ... ──► Storing ──► SignedIn; any failure or cancel()
//     goes back to SignedIn with the session as it was. Either way
//     accountSignInFinished() tells the caller (SignInMethods).
//
// Signing out is not a state the person waits in: signOut() ends the session
// here at once and hands the revocation (of the newest refresh token) and the
// keychain deletion to a detached clean-up step, which signOutFinished()
// reports and which a new sign-in does not stop. cancel() uses the same
// clean-up when it leaves Storing, and reconfigure() also when it leaves
// SignedIn, Refreshing or Restoring: nothing of a cancelled or abandoned
// sign-in stays behind. Only signOut() and the server's invalid_grant end a
// session the person has; a renewal that cannot reach the server keeps it.
class SessionManager : public QObject
{
    Q_OBJECT
public:
    // What the UI shows: several steps share one view (see step()).
    enum class State {
        SignedOut,
        Restoring,
        WaitingForBrowser,
        WaitingForDevice,
        Exchanging,
        OnboardingRequired,
        SignedIn,
        Error
    };
    Q_ENUM(State)
    // The states of the diagram above.
    enum class Step {
        SignedOut,
        KeychainRetry,
        Restoring,
        Discovering,
        WaitingForBrowser,
        WaitingForDevice,
        Exchanging,
        Onboarding,
        Storing,
        SignedIn,
        Refreshing,
        Error,
    };
    Q_ENUM(Step)
    // Why the person is signed out (shown on the signed-out view).
    enum class SignOutReason {
        None,
        UserRequested,
        Cancelled,
        AccessDenied,
        SessionEnded,
        KeychainUnavailable,
        LinkNotMade, // a link from the wizard linked nothing: error() says why
    };
    Q_ENUM(SignOutReason)
    // What the current sign-in is for (see the diagram above).
    enum class Purpose { SignIn, Link, AddMethod, Reauthenticate };
    Q_ENUM(Purpose)

    SessionManager(const ClientConfig &config, QNetworkAccessManager *manager, SessionVault *vault,
                   QObject *parent = nullptr);
    ~SessionManager() override;

    State state() const { return m_state; }
    Step step() const { return m_stepKind; }
    // Whether restore() will find an account to restore (settings only, no
    // keychain): a window shown before restore() can say so at once.
    bool hasRememberedSession() const;
    SignOutReason signOutReason() const { return m_signOutReason; }
    // What went wrong, for Error and for the signed-out reason (AccessDenied,
    // SessionEnded, KeychainUnavailable); ok() otherwise. The UI words it.
    const ClientError &error() const { return m_error; }
    // While waiting for the browser: why it could not be opened, if it could not.
    QString message() const { return m_message; }
    // Set while signed in when the session could not be saved in the keychain.
    const ClientError &vaultError() const { return m_vaultError; }
    // For "Copy details": the last errors, the server, the clock offset.
    const Diagnostics &diagnostics() const { return m_diagnostics; }
    const AccountProfile &profile() const { return m_profile; }
    qint64 accessTokenExpiresAt() const { return m_session.accessTokenExpiresAt; }
    // Empty once it has run out (say, offline after a night): never an expired one.
    QString accessToken() const;
    // False when the provider issued no refresh token: the session ends with the access token.
    bool canRenew() const { return !m_session.refreshToken.isEmpty(); }
    QString idToken() const { return m_session.idToken; }
    QUrl authorizationUrl() const { return m_authorizationUrl; }
    // While WaitingForDevice: the code and the page (the device_code stays inside).
    const DeviceAuthorization &deviceAuthorization() const { return m_device; }
    const ClientConfig &config() const { return m_config; }
    OnboardingClient *onboarding() const { return m_onboarding; }
    // The providers the server lists in discovery (upstream_providers);
    // empty at a standard OP, and until discovery has answered.
    QList<UpstreamProviderInfo> upstreamProviders() const;
    // The provider of the current or last sign-in; empty: the server's chooser.
    QString upstreamProvider() const { return m_upstreamProvider; }
    Purpose purpose() const { return m_purpose; }
    // The server offers linking and managing sign-in methods (PROTOCOL.md 6.5).
    bool supportsLinking() const;
    // Known once discovery has answered; empty before.
    QUrl linkRequestEndpoint() const;
    QUrl identitiesEndpoint() const;
    // Signed in, but the last renewal could not reach the server (or the
    // server failed): renewalError() says how, nextRenewalAt() when it is
    // tried again (UTC seconds). The session stays until the server says
    // invalid_grant or the person signs out.
    bool isOffline() const;
    const ClientError &renewalError() const;
    qint64 nextRenewalAt() const;
    SessionRenewal *renewal() const { return m_renewal; }
    // After a link from the wizard: the provider just linked, and the names
    // of the providers the account signed in with before; empty otherwise.
    UpstreamProviderInfo linkedProvider() const { return m_linkedProvider; }
    QStringList linkedAccountProviders() const { return m_linkedTo; }
    // Whether the next sign-in asks the provider to let the person pick an
    // account (prompt=select_account): after a sign-out (PROTOCOL.md 8).
    bool selectsAccountNext() const;

public Q_SLOTS:
    void restore();
    // `provider`: an id of upstreamProviders(), so the browser goes straight
    // to that provider; empty, or one the server does not list: the server
    // shows its own chooser.
    void signIn(const QString &provider = {});
    // The device authorization grant (RFC 8628, PROTOCOL.md 10), for a
    // person with no browser here: deviceAuthorization() says what to type
    // where while the step is WaitingForDevice; the server is polled until
    // the person is done, then it goes on as a browser sign-in would.
    void signInWithDevice();
    // Try again, or restart after a failed registration: with the provider chosen last.
    void signInAgain();
    // From the wizard, after OnboardingClient::requestLink(): a new sign-in
    // at the account's first provider, with the link_id.
    void linkAccount(const PendingLink &link);
    // While signed in: a browser sign-in for this account, at `provider`.
    // AddMethod with the `linkId` of a link request from the session;
    // Reauthenticate with prompt=login. Ends with accountSignInFinished().
    void signInForAccount(SessionManager::Purpose purpose, const QString &provider, const QString &linkId = {});
    // For the signed-out view: fetches discovery unless it is known, then
    // upstreamProvidersChanged() tells. A failure is quiet: no list, plain sign-in.
    void loadUpstreamProviders();
    void openBrowserAgain();
    // The UI could not open the URL of authorizeWithBrowser(): `message` is
    // shown while the wait goes on, so the person can copy the link instead.
    void reportBrowserProblem(const QString &message);
    void cancel();
    void signOut();
    void refreshNow();
    // Another server or client id: signs out of the current one first.
    void reconfigure(const ClientConfig &config);

Q_SIGNALS:
    void stateChanged(SessionManager::State state);
    void stepChanged(SessionManager::Step step);
    // The browser came back to the loopback receiver: a good moment to raise the window.
    void browserReturned();
    // Open `url` in the browser: the UI does it (the system browser or the
    // configured browserCommand), so this layer needs no Qt Gui. Tell
    // reportBrowserProblem() when it fails.
    void authorizeWithBrowser(const QUrl &url);
    void refreshed();
    // isOffline(), renewalError() or nextRenewalAt() changed.
    void renewalChanged();
    void signOutFinished();
    void upstreamProvidersChanged(const QList<UpstreamProviderInfo> &providers);
    // The end of a signInForAccount(): back at SignedIn either way; `error`
    // ok when it worked.
    void accountSignInFinished(SessionManager::Purpose purpose, const ClientError &error);

private:
    // Kills the current step and starts the one of `step`.
    SessionStep *enter(Step step, const ClientError &error = {});
    // Every step is made here: its network answers feed the diagnostics.
    SessionStep *newStep();
    State viewFor(Step step) const;
    void signedOut(SignOutReason reason, const ClientError &error = {});
    void fail(const ClientError &error);
    enum class Via { Browser, Device };
    void startSignIn(Purpose purpose, const QString &provider, const QString &linkId, const QString &prompt,
                     Via via = Via::Browser);
    bool forAccount() const { return m_purpose == Purpose::AddMethod || m_purpose == Purpose::Reauthenticate; }
    // An account sign-in ended without new tokens: the session goes on as it was.
    void backToAccount(const ClientError &error);
    // A link from the wizard linked nothing.
    void linkNotMade(const ClientError &error);
    ClientError linkFailure(const ClientError &error, const QString &linkError = {}) const;
    void note(const ClientError &error);
    // Removes what a sign-in or a session left behind, revoking at the server.
    // Kills the current step and removes what it had given out or saved:
    // revokes the newest refresh token, deletes the keychain entry and the
    // account facts. `evenUnopened`: also a session the locked keychain holds.
    void discardSession(bool evenUnopened, std::function<void()> whenDone);
    void revoke(SessionStep *cleanup, const QString &refreshToken, std::function<void()> done);
    const ProviderMetadata &metadata() const;

    using Next = std::function<void()>;
    void withMetadata(SessionStep *step, Next next);
    void withKeys(SessionStep *step, bool refetch, Next next);
    void startBrowser();
    void startDevice();
    void pollDeviceLater(SessionStep *step);
    void pollDevice(SessionStep *step);
    void devicePolled(SessionStep *step, const TokenJob &job);
    void openBrowser();
    void onCallback();
    void exchange(const QString &code);
    void handleTokens(SessionStep *step, const TokenResponse &tokens, const QString &nonce, const QString &provider);
    void enterOnboarding(const TokenResponse &tokens, const QJsonObject &claims, const QString &nonce);
    // Validates with the cached keys, refetching them once on an unknown kid.
    void validate(SessionStep *step, const QString &token, bool onboarding, const QString &nonce,
                  std::function<void(const QJsonObject &claims)> next);
    void completeSignIn(SessionStep *step, const TokenResponse &tokens, const QJsonObject &idClaims,
                        const QString &provider);
    void fillFromUserInfo(SessionStep *step, Next next);
    void store();

    void loadFromVault(Step step);
    void onLoaded(VaultJob *job, bool quietRetry);
    void refresh();
    void acceptRenewal(const StoredSession &renewed);
    void renewalFailed(const ClientError &error);
    void endWithoutRefreshToken();

    ClientConfig m_config;
    QNetworkAccessManager *m_manager;
    SessionVault *m_vault;
    ProviderCache *m_cache;
    SessionRenewal *m_renewal;
    State m_state = State::SignedOut;
    Step m_stepKind = Step::SignedOut;
    QPointer<SessionStep> m_step;
    SignOutReason m_signOutReason = SignOutReason::None;
    ClientError m_error;
    QString m_message;
    ClientError m_vaultError;
    Diagnostics m_diagnostics;

    QPointer<SessionStep> m_providersLoad; // discovery for the signed-out view, outside the flow
    QString m_upstreamProvider;
    Purpose m_purpose = Purpose::SignIn;
    QString m_linkId;
    QString m_prompt;
    QList<UpstreamProviderInfo> m_linkProviders; // where the account of a pending link signs in
    QString m_linkingProvider;                   // the provider name a link from the wizard adds
    UpstreamProviderInfo m_linkedProvider;
    QStringList m_linkedTo;
    LoopbackReceiver *m_receiver;
    AuthorizationSession m_authorization;
    QUrl m_authorizationUrl;
    Via m_via = Via::Browser;
    DeviceAuthorization m_device;
    qint64 m_deviceExpiresAt = 0;
    QPointer<OnboardingClient> m_onboarding;

    AccountProfile m_profile;
    // The newest tokens the server issued: a rotated refresh token is here
    // while it is being saved, so a sign-out meanwhile revokes it.
    StoredSession m_session;
    QTimer m_vaultRetry;
};
