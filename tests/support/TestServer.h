#pragma once

#include "OidcServer.h"

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
// picks, and a temporary data directory of its own.
class TestServer
{
public:
    explicit TestServer(const ServerConfig &config = qaServerConfig());

    bool start(QString *error = nullptr);
    // Stops and starts again on the same port and data directory.
    bool restart(QString *error = nullptr);
    void stop() { m_server.reset(); }

    OidcServer &server() { return *m_server; }
    Clock &clock() { return m_server->clock(); }
    QString issuer() const { return m_server->issuer(); }
    QUrl url(const QString &path) const { return QUrl(issuer() + path); }
    QString dataDir() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
    ServerConfig m_config;
    std::unique_ptr<OidcServer> m_server;
};
