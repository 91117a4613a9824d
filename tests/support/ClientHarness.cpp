#include "ClientHarness.h"

#include <QRegularExpression>
#include <QTest>

#include "SessionManager.h"

ClientHarness::ClientHarness(const ServerConfig &serverConfig)
    : m_server(serverConfig)
    , m_settings(std::make_unique<QSettings>(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat))
    , m_vault(std::make_unique<TokenVault>(m_settings.get()))
{
    // Made in init(): a transition the table refuses fails whichever test caused it.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("refused transition")));
}

ClientHarness::~ClientHarness() = default;

Result<void> ClientHarness::start()
{
    return m_server.start();
}

ClientConfig ClientHarness::config() const
{
    ClientConfig config;
    config.issuer = m_server.issuer();
    config.refreshLockPath = m_dir.filePath(QStringLiteral("refresh.lock"));
    return config;
}

std::unique_ptr<SessionManager> ClientHarness::newManager(const ClientConfig &config, BrowserPath path)
{
    auto manager = std::make_unique<SessionManager>(config, &m_network, m_vault.get());
    if (path == BrowserPath::Signal)
        QObject::connect(manager.get(), &SessionManager::authorizeWithBrowser, &m_browser, &BrowserRobot::openUrl);
    return manager;
}
