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
        QString ignored;
        KeyCipher::createFile(m_config.keyFile, &ignored);
    }
}

bool TestServer::start(QString *error)
{
    QString ignored;
    if (!m_database.error().isEmpty()) {
        (error ? *error : ignored) = m_database.error();
        return false;
    }
    m_server = std::make_unique<OidcServer>(m_config);
    for (const auto &[type, factory] : std::as_const(m_connectorTypes))
        m_server->connectors().registerType(type, factory);
    return m_server->start(error ? error : &ignored);
}

void TestServer::registerConnectorType(const QString &type, ConnectorRegistry::Factory factory)
{
    m_connectorTypes.append({type, std::move(factory)});
}

bool TestServer::restart(QString *error)
{
    m_config.listenPort = m_server->port();
    m_server.reset();
    return start(error);
}
