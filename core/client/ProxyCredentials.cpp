#include "ProxyCredentials.h"

#include "ClientLogging.h"
#include "ProxyConfig.h"
#include "TokenVault.h"

#include <QAuthenticator>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTimer>

#include <qt6keychain/keychain.h>

namespace {
const QLatin1String UserField("user");
const QLatin1String PasswordField("password");

// Runs a keychain job made with new to its end or the deadline; true when it
// succeeded. The job stays readable until the event loop runs again.
bool runJob(QKeychain::Job *job)
{
    job->setAutoDelete(false);
    job->setInsecureFallback(false); // never plaintext, whatever the platform
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    deadline.start(ProxyCredentials::KeychainTimeoutMs);
    job->start();
    loop.exec();
    if (!deadline.isActive()) {
        qCWarning(lcProxy) << "the keychain did not answer in time";
        job->setAutoDelete(true); // goes when it ends, if ever
        return false;
    }
    job->deleteLater();
    if (job->error() != QKeychain::NoError && job->error() != QKeychain::EntryNotFound)
        qCWarning(lcProxy).noquote() << "keychain:" << job->error() << job->errorString();
    return job->error() == QKeychain::NoError;
}
} // namespace

ProxyCredentials::ProxyCredentials(QNetworkAccessManager *manager, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
{
    connect(manager, &QNetworkAccessManager::proxyAuthenticationRequired, this,
            &ProxyCredentials::onAuthenticationRequired);
    connect(manager, &QNetworkAccessManager::authenticationRequired, this,
            &ProxyCredentials::onServerAuthenticationRequired);
}

QString ProxyCredentials::keychainKey(const QString &proxy)
{
    return QStringLiteral("proxy:") + proxy;
}

void ProxyCredentials::onAuthenticationRequired(const QNetworkProxy &proxy, QAuthenticator *authenticator)
{
    const QString where = ProxyConfig::hostAndPort(proxy);
    qCInfo(lcProxy).noquote() << "proxy" << where << "asks for credentials";
    // Asked once more for the same proxy: what was given last was refused.
    const bool retry = m_answered.contains(where);
    m_answered.insert(where);
    if (!retry && fillRemembered(where, authenticator))
        return;
    ask(where, authenticator, retry);
}

// tinyproxy 1.11 answers wrong proxy credentials with 401 and a
// WWW-Authenticate challenge instead of 407, so Qt takes it for the
// server's; no server Latchkey talks to asks for HTTP authentication. The
// request fails, and the next one asks the person again.
void ProxyCredentials::onServerAuthenticationRequired(QNetworkReply *reply, QAuthenticator *authenticator)
{
    Q_UNUSED(authenticator); // left empty: the request ends here
    const QString where = ProxyConfig::hostAndPort(ProxyConfig::proxyFor(m_manager, reply->url()));
    if (where.isEmpty() || !m_answered.contains(where))
        return;
    qCInfo(lcProxy).noquote() << "proxy" << where << "refused the credentials (answered 401)";
    reply->setProperty(RefusedProperty, where);
    // Else Qt would offer the refused credentials, which it caches, again.
    QTimer::singleShot(0, m_manager, &QNetworkAccessManager::clearAccessCache);
}

bool ProxyCredentials::fillRemembered(const QString &proxy, QAuthenticator *authenticator)
{
    const std::optional<Credentials> remembered = readKeychain(proxy);
    if (!remembered)
        return false;
    m_remembered.insert(proxy);
    qCInfo(lcProxy).noquote() << "using the remembered credentials for" << proxy;
    authenticator->setUser(remembered->user);
    authenticator->setPassword(remembered->password);
    return true;
}

void ProxyCredentials::ask(const QString &proxy, QAuthenticator *authenticator, bool retry)
{
    ProxyCredentialsPrompt prompt;
    prompt.proxy = proxy;
    prompt.user = authenticator->user();
    prompt.retry = retry;
    Q_EMIT credentialsRequired(&prompt);
    if (!prompt.accepted) {
        qCInfo(lcProxy).noquote() << "no credentials given for" << proxy;
        return;
    }
    authenticator->setUser(prompt.user);
    authenticator->setPassword(prompt.password);
    if (prompt.remember) {
        writeKeychain(proxy, {prompt.user, prompt.password});
    } else if (m_remembered.contains(proxy)) {
        // The remembered ones were refused and the person chose not to keep new ones.
        forgetKeychain(proxy);
    }
}

std::optional<ProxyCredentials::Credentials> ProxyCredentials::readKeychain(const QString &proxy)
{
    auto *job = new QKeychain::ReadPasswordJob(QLatin1String(TokenVault::Service));
    job->setKey(keychainKey(proxy));
    if (!runJob(job))
        return std::nullopt;
    const QJsonObject stored = QJsonDocument::fromJson(job->textData().toUtf8()).object();
    Credentials credentials{stored.value(UserField).toString(), stored.value(PasswordField).toString()};
    if (credentials.user.isEmpty())
        return std::nullopt;
    return credentials;
}

void ProxyCredentials::writeKeychain(const QString &proxy, const Credentials &credentials)
{
    auto *job = new QKeychain::WritePasswordJob(QLatin1String(TokenVault::Service));
    job->setKey(keychainKey(proxy));
    job->setTextData(QString::fromUtf8(
        QJsonDocument(QJsonObject{{UserField, credentials.user}, {PasswordField, credentials.password}})
            .toJson(QJsonDocument::Compact)));
    if (runJob(job)) {
        m_remembered.insert(proxy);
        qCInfo(lcProxy).noquote() << "remembered the credentials for" << proxy;
    }
}

void ProxyCredentials::forgetKeychain(const QString &proxy)
{
    auto *job = new QKeychain::DeletePasswordJob(QLatin1String(TokenVault::Service));
    job->setKey(keychainKey(proxy));
    if (runJob(job))
        qCInfo(lcProxy).noquote() << "forgot the credentials for" << proxy;
    m_remembered.remove(proxy);
}
