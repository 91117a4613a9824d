#include "TestServer.h"

#include "KeyCipher.h"

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

Result<void> TestServer::restart()
{
    m_config.listenPort = m_server->port();
    m_server.reset();
    return start();
}
