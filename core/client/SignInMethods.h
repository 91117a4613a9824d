#pragma once

#include "ClientError.h"
#include "IdentityInfo.h"
#include "SessionManager.h"
#include "UpstreamProviderInfo.h"

#include <QObject>
#include <QPointer>

class NetworkJob;
class QNetworkAccessManager;

// The signed-in person's sign-in methods (PROTOCOL.md 6.5): lists them,
// adds one through a browser sign-in with a link_id, removes one. When the
// server wants a recent sign-in first (403 reauthentication_required), it
// runs a sign-in with prompt=login at one of the account's providers and
// then retries the add or remove by itself, once.
//
//   Idle ──load()──► Loading ──► Idle
//   Idle ──add()──► RequestingLink ──(link_id)──► InBrowser ──► Idle (+ load())
//   Idle ──remove()──► Removing ──(204)──► Idle (+ load())
//   RequestingLink / Removing ──(reauthentication_required, first time)──►
//       Reauthenticating ──(signed in again)──► RequestingLink / Removing
//   cancel(): from every state back to Idle (the browser wait ends too)
class SignInMethods : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Loading, RequestingLink, InBrowser, Reauthenticating, Removing };
    Q_ENUM(State)
    enum class Operation { Load, Add, Remove };
    Q_ENUM(Operation)

    SignInMethods(SessionManager *session, QNetworkAccessManager *manager, QObject *parent = nullptr);

    State state() const { return m_state; }
    bool isBusy() const { return m_state != State::Idle; }
    const QList<IdentityInfo> &identities() const { return m_identities; }
    // The server's providers (discovery) that are not linked yet.
    QList<UpstreamProviderInfo> addable() const;
    // The last one can never be removed.
    bool canRemove(const QString &providerId) const;
    // The provider an add or remove is about, while one runs.
    QString pendingProvider() const { return m_provider; }

public Q_SLOTS:
    void load();
    void add(const QString &providerId);
    void remove(const QString &providerId);
    void cancel();

Q_SIGNALS:
    void stateChanged(SignInMethods::State state);
    void identitiesChanged();
    // Once per load(), add() or remove(); `error` ok when it worked.
    void finished(SignInMethods::Operation operation, const QString &providerId, const ClientError &error);

private:
    void setState(State state);
    void requestLink();
    void removeNow();
    void reauthenticate();
    void onAccountSignIn(SessionManager::Purpose purpose, const ClientError &error);
    void finish(const ClientError &error);
    bool needsReauthentication(const ClientError &error) const;
    template<typename Job, typename Callback>
    void run(Job *job, Callback onFinished);

    SessionManager *m_session;
    QNetworkAccessManager *m_manager;
    State m_state = State::Idle;
    Operation m_operation = Operation::Load;
    QString m_provider;
    bool m_reauthenticated = false;
    QPointer<NetworkJob> m_job;
    QList<IdentityInfo> m_identities;
};
