#pragma once

#include "Account.h"
#include "OidcServer.h"
#include "TestDatabase.h"

#include <QJsonObject>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

// The server as the tests run it: in QA mode, with its simulated providers,
// personas and QA accounts.
inline ServerConfig qaServerConfig()
{
    ServerConfig config;
    config.qaMode = true;
    return config;
}

// A real latchkey-server in the test process: 127.0.0.1, a port the OS
// picks, a temporary data directory of its own, and a database of its own on
// `backend` (by default the backend of the current test row, TestDatabase).
class TestServer
{
public:
    explicit TestServer(const ServerConfig &config = qaServerConfig(),
                        const QString &backend = TestDatabase::currentBackend());

    // A provider type of the test's own, registered with the server's
    // ConnectorRegistry at every start.
    void registerConnectorType(const QString &type, ConnectorRegistry::Factory factory);
    Result<void> start();
    // Stops and starts again on the same port and data directory.
    Result<void> restart();
    // The next start() takes the same port again (a server that is down, then back).
    void stop();

    OidcServer &server() { return *m_server; }
    Clock &clock() { return m_server->clock(); }
    QString issuer() const { return m_server->issuer(); }
    QUrl url(const QString &path) const { return QUrl(issuer() + path); }
    QString dataDir() const { return m_dir.path(); }
    // What ServerConfig::database says for this server (empty: SQLite in dataDir()).
    QString databaseUrl() const { return m_database.url(); }
    TestDatabase &database() { return m_database; }
    // An onboarding token with `claims`, signed with the server's own key,
    // and its code recorded with `recorded` as /token records it (or as an
    // older version did): tokens no sign-in of this version would mint.
    Result<QString> forgeOnboardingToken(const QJsonObject &claims, const UpstreamIdentity &recorded);

private:
    QTemporaryDir m_dir;
    // Outlives the server, which holds a connection to it.
    TestDatabase m_database;
    ServerConfig m_config;
    std::unique_ptr<OidcServer> m_server;
    QList<std::pair<QString, ConnectorRegistry::Factory>> m_connectorTypes;
};
