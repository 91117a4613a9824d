#include "TestServer.h"

TestServer::TestServer(const ServerConfig &config, const QString &backend)
    : m_database(backend)
    , m_config(config)
{
    m_config.listenAddress = QHostAddress::LocalHost;
    m_config.listenPort = 0;
    m_config.dataDir = m_dir.path();
    m_config.database = m_database.url();
}

bool TestServer::start(QString *error)
{
    QString ignored;
    if (!m_database.error().isEmpty()) {
        (error ? *error : ignored) = m_database.error();
        return false;
    }
    m_server = std::make_unique<OidcServer>(m_config);
    return m_server->start(error ? error : &ignored);
}

bool TestServer::restart(QString *error)
{
    m_config.listenPort = m_server->port();
    m_server.reset();
    return start(error);
}
