#pragma once

#include "ProxyCredentialsPrompt.h"

#include <QObject>
#include <QSet>

#include <optional>

class QAuthenticator;
class QNetworkAccessManager;
class QNetworkProxy;
class QNetworkReply;

// Answers a proxy's 407 for one QNetworkAccessManager: with credentials
// remembered in the keychain (service "Latchkey", key "proxy:host:port")
// when it has them and they were not just refused, else by asking the
// person through credentialsRequired(). Only credentials the person chose
// to remember are kept, and only in the keychain; none are logged.
class ProxyCredentials : public QObject
{
    Q_OBJECT
public:
    static constexpr int KeychainTimeoutMs = 10000;
    // Set on a reply whose proxy refused the credentials given (see
    // onServerAuthenticationRequired); NetworkJob reads it.
    static constexpr char RefusedProperty[] = "latchkeyProxyRefusedCredentials";

    explicit ProxyCredentials(QNetworkAccessManager *manager, QObject *parent = nullptr);

    static QString keychainKey(const QString &proxy);

Q_SIGNALS:
    // Emitted while the request waits: connect directly and answer `prompt`
    // before returning (a modal dialog, as Qt's own examples do).
    void credentialsRequired(ProxyCredentialsPrompt *prompt);

private:
    struct Credentials
    {
        QString user;
        QString password;
    };

    void onAuthenticationRequired(const QNetworkProxy &proxy, QAuthenticator *authenticator);
    void onServerAuthenticationRequired(QNetworkReply *reply, QAuthenticator *authenticator);
    bool fillRemembered(const QString &proxy, QAuthenticator *authenticator);
    void ask(const QString &proxy, QAuthenticator *authenticator, bool retry);
    // The keychain, waited for here: the request cannot go on before.
    std::optional<Credentials> readKeychain(const QString &proxy);
    void writeKeychain(const QString &proxy, const Credentials &credentials);
    void forgetKeychain(const QString &proxy);

    QNetworkAccessManager *m_manager;
    // Proxies answered once: asked again, what was given was refused.
    QSet<QString> m_answered;
    // Proxies with credentials in the keychain.
    QSet<QString> m_remembered;
};
