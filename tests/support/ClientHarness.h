#pragma once

#include "BrowserRobot.h"
#include "ClientConfig.h"
#include "TestServer.h"
#include "TokenVault.h"

#include <QNetworkAccessManager>
#include <QSettings>
#include <QTemporaryDir>

#include <memory>

class SessionManager;

// Everything a client test needs, real and private: a reference server on
// port 0, settings in a temporary file, the real keychain (the test runs in
// its own D-Bus session), and the browser robot.
class ClientHarness
{
public:
    explicit ClientHarness(const ServerConfig &serverConfig = qaServerConfig());
    ~ClientHarness();

    Result<void> start();
    ClientConfig config() const;
    // How the authorization URL reaches the browser robot: straight from
    // SessionManager::authorizeWithBrowser (client tests), or through the
    // window's BrowserLauncher and QDesktopServices as in the app (UI tests).
    enum class BrowserPath { Signal, Window };
    // A new SessionManager, as a fresh start of the app would make.
    std::unique_ptr<SessionManager> newManager(const ClientConfig &config, BrowserPath path = BrowserPath::Signal);
    std::unique_ptr<SessionManager> newManager() { return newManager(config()); }

    TestServer &server() { return m_server; }
    BrowserRobot &browser() { return m_browser; }
    TokenVault &vault() { return *m_vault; }
    QSettings &settings() { return *m_settings; }
    QNetworkAccessManager &network() { return m_network; }

private:
    TestServer m_server;
    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<TokenVault> m_vault;
    QNetworkAccessManager m_network;
    BrowserRobot m_browser;
};
