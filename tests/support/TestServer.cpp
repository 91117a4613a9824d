#include "TestServer.h"

#include "Clock.h"
#include "Database.h"
#include "DatabaseUrl.h"
#include "KeyCipher.h"
#include "KeyStore.h"
#include "Protocol.h"
#include "TokenIssuer.h"
#include "TokenStore.h"

#include <QDir>

TestServer::TestServer(const ServerConfig &config, const QString &backend)
    : m_database(backend)
    , m_config(config)
{
    m_config.listenAddress = QHostAddress::LocalHost;
    m_config.listenPort = 0;
    m_config.dataDir = m_dir.path();
    m_config.database = m_database.url();
    // SQLite makes its key file in the data directory; PostgreSQL wants one named.
    if (m_config.keyFile.isEmpty() && !m_config.database.isEmpty()) {
        m_config.keyFile = QDir(m_dir.path()).filePath(QStringLiteral("key-encryption.key"));
        // A file that could not be made fails start(), which says why.
        (void)KeyCipher::createFile(m_config.keyFile);
    }
}

Result<void> TestServer::start()
{
    if (!m_database.error().isEmpty())
        return ServerError::startup(m_database.error());
    m_server = std::make_unique<OidcServer>(m_config);
    for (const auto &[type, factory] : std::as_const(m_connectorTypes))
        m_server->connectors().registerType(type, factory);
    return m_server->start();
}

void TestServer::registerConnectorType(const QString &type, ConnectorRegistry::Factory factory)
{
    m_connectorTypes.append({type, std::move(factory)});
}

void TestServer::stop()
{
    if (m_server)
        m_config.listenPort = m_server->port();
    m_server.reset();
}

Result<void> TestServer::restart()
{
    m_config.listenPort = m_server->port();
    m_server.reset();
    return start();
}

Result<QString> TestServer::forgeOnboardingToken(const QJsonObject &claims, const UpstreamIdentity &recorded)
{
    const Clock clock;
    const auto url = DatabaseUrl::parse(databaseUrl(), dataDir());
    if (!url)
        return url.error();
    Database db;
    if (auto connected = db.connect(*url); !connected)
        return connected.error();
    const auto cipher = KeyCipher::fromFile(QDir(dataDir()).filePath(QStringLiteral("key-encryption.key")));
    if (!cipher)
        return cipher.error();
    KeyStore keys(db, clock, *cipher);
    if (auto prepared = keys.prepare(QStringLiteral("ES256"), {}); !prepared)
        return prepared.error();
    const QString clientId = QLatin1String(Protocol::DefaultClientId);
    QString jti;
    const QString token = QString::fromLatin1(
        TokenIssuer(issuer(), keys, clock).onboardingToken(claims, clientId, &jti));
    AuthorizationGrant grant;
    grant.clientId = clientId;
    grant.redirectUri = QStringLiteral("http://127.0.0.1/callback");
    grant.codeChallenge = claims.value(QLatin1String("cch")).toString();
    grant.nonce = QStringLiteral("n");
    grant.scope = QLatin1String(Protocol::DefaultScope);
    grant.identity = recorded;
    TokenStore tokens(db, clock);
    const auto code = tokens.createCode(grant);
    if (!code)
        return code.error();
    if (!db.exec(QStringLiteral("UPDATE authorization_codes SET used_at = 1, onboarding_jti = ? WHERE code_hash = ?"),
                 {jti, TokenStore::hash(*code)}))
        return ServerError::unavailable(QStringLiteral("the forged code could not be recorded"));
    return token;
}
