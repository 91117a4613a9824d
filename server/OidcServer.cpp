#include "OidcServer.h"
#include "ServerLogging.h"

#include "AccountStore.h"
#include "ConnectionAcceptor.h"
#include "ConnectionGuard.h"
#include "Database.h"
#include "HttpServer.h"
#include "KeyStore.h"
#include "MetricsEndpoint.h"
#include "ProviderDirectory.h"
#include "ProvidersFile.h"
#include "SeedImporter.h"
#include "ServerShared.h"
#include "ServerWorker.h"
#include "SignInStore.h"
#include "TokenStore.h"
#include "UpstreamEndpoint.h"
#include "UpstreamHttp.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QStandardPaths>
#include <QTcpServer>
#include <QThread>
#include <QUrl>

namespace {
constexpr int MaintenanceIntervalMs = 10 * 60 * 1000;
// Where an earlier version kept the signing keys in clear; moved into the database.
const QString LegacyKeysFile = QStringLiteral("signing-keys.json");
const QString DefaultKeyFile = QStringLiteral("key-encryption.key");

QString hostForUrl(const QHostAddress &address)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return QLatin1Char('[') + address.toString() + QLatin1Char(']');
    return address.toString();
}
// A loopback listen address behind a public issuer would still hand QA
// mode's tokens to a proxy that faces the network.
bool isLoopbackUrl(const QString &url)
{
    const QString host = QUrl(url).host();
    return host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0 || QHostAddress(host).isLoopback();
}
} // namespace

OidcServer::OidcServer(const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_connectors(ConnectorRegistry::standard(config.qaMode))
{
    // The pages live in a static library's resources, which the linker may otherwise drop.
    Q_INIT_RESOURCE(server);
    m_maintenance.setInterval(MaintenanceIntervalMs);
    connect(&m_maintenance, &QTimer::timeout, this, [this] { m_tokens->purgeExpired(); });
    m_keyReload.setInterval(KeyStore::ReloadSeconds * 1000);
    connect(&m_keyReload, &QTimer::timeout, this, [this] {
        if (const auto reloaded = m_keys->reload(); !reloaded)
            qCWarning(lcServer, "the signing keys were not reloaded: %s", qPrintable(reloaded.error().description));
    });
}

OidcServer::~OidcServer()
{
    stopWorkers();
}

QString OidcServer::defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/latchkey-server");
}

QString OidcServer::issuer() const
{
    return m_shared ? m_shared->issuer : m_config.issuer;
}

QString OidcServer::databaseUrl() const
{
    return m_db ? m_db->url().display() : m_config.database;
}

Result<void> OidcServer::openStorage()
{
    if (m_config.dataDir.isEmpty())
        m_config.dataDir = defaultDataDir();
    if (!QDir().mkpath(m_config.dataDir))
        return ServerError::startup(QStringLiteral("cannot create the data directory %1").arg(m_config.dataDir));
    QFile::setPermissions(m_config.dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (const auto connected = connectDatabase(); !connected)
        return connected;
    // Done once however many instances start at the same moment: migrations,
    // the first signing key, the QA fixtures of a new database.
    const StartupLock lock(*m_db);
    if (const auto held = lock.isHeld(); !held)
        return held;
    const auto migrated = m_db->migrate();
    if (!migrated)
        return migrated.error();
    const bool fresh = *migrated;
    if (const auto opened = openKeys(); !opened)
        return opened;
    m_accounts = std::make_unique<AccountStore>(*m_db, m_clock);
    m_tokens = std::make_unique<TokenStore>(*m_db, m_clock);
    m_signInStore = std::make_unique<SignInStore>(*m_db, m_clock, *m_cipher, m_config.pendingSignInsPerAddress,
                                                  m_config.pendingSignIns);
    if (const auto adopted = adoptUpstreamIssuers(); !adopted)
        return adopted;
    if (fresh && m_config.qaMode) {
        const auto seeded
            = SeedImporter(*m_db, *m_accounts, *m_providers).importFile(QStringLiteral(":/server/qa-fixtures.json"));
        // A QA server without its fixtures still serves the personas.
        if (!seeded)
            qCWarning(lcServer, "the QA fixtures were not applied: %s", qPrintable(seeded.error().description));
    }
    m_tokens->purgeExpired();
    return {};
}

// Identities stored before schema 7 get the issuer their provider has
// today, once: after that, a provider re-pointed at another issuer matches none of them.
Result<void> OidcServer::adoptUpstreamIssuers()
{
    QList<std::pair<QString, QString>> issuerByKey;
    for (const auto &entry : m_providers->entries())
        issuerByKey.append({entry.identityKey, entry.upstreamIssuer});
    const auto adopted = m_accounts->adoptUpstreamIssuers(issuerByKey);
    if (!adopted)
        return ServerError::startup(QStringLiteral("cannot record the upstream issuer of stored identities: %1")
                                        .arg(adopted.error().description));
    if (*adopted > 0)
        qCInfo(lcServer, "recorded today's upstream issuer for %d stored identities", *adopted);
    return {};
}

Result<void> OidcServer::connectDatabase()
{
    m_db = std::make_unique<Database>();
    m_db->setMetrics(&m_metrics);
    const auto url = DatabaseUrl::parse(m_config.database, m_config.dataDir);
    if (!url)
        return url.error();
    return m_db->connect(*url);
}

Result<void> OidcServer::openKeys()
{
    auto cipher = openKeyFile();
    if (!cipher)
        return cipher.error();
    m_cipher = std::move(*cipher);
    createProviders();
    m_keys = std::make_unique<KeyStore>(*m_db, m_clock, *m_cipher);
    return m_keys->prepare(m_config.signingAlgorithm, QDir(m_config.dataDir).filePath(LegacyKeysFile));
}

Result<KeyCipher> OidcServer::openKeyFile()
{
    QString path = m_config.keyFile;
    if (path.isEmpty() && m_db->dialect().isPostgresql()) {
        // A key made here would differ from the other instances' ones.
        return ServerError::startup(
            QStringLiteral("a PostgreSQL database needs --key-file FILE: the 32-byte key (mode 0600) that seals "
                           "the signing keys, the same file for every instance of the database (make one with: "
                           "head -c 32 /dev/urandom > FILE; chmod 600 FILE)"));
    }
    if (path.isEmpty()) {
        // One instance on its own data directory needs no new flag.
        path = QDir(m_config.dataDir).filePath(DefaultKeyFile);
        const auto created = QFile::exists(path) ? Result<void>() : KeyCipher::createFile(path);
        // Another instance starting on the same data directory may have made it first.
        if (!created && !QFile::exists(path))
            return created.error();
    }
    return KeyCipher::fromFile(path);
}

void OidcServer::createProviders()
{
    m_network = std::make_unique<QNetworkAccessManager>();
    m_upstreamHttp = std::make_unique<UpstreamHttp>(m_network.get(), m_config.upstreamDeadlineMs);
    const QList<UpstreamSettings> providers = ProviderDirectory::offered(m_config.providers, m_config.qaMode);
    m_providers = std::make_unique<ProviderDirectory>(providers, m_connectors,
                                                      ConnectorDeps{*m_upstreamHttp, m_clock, *m_cipher});
}

Result<void> OidcServer::checkConfig()
{
    if (m_config.qaMode && !m_config.listenAddress.isLoopback())
        return ServerError::startup(
            QStringLiteral("--qa refuses to listen on %1: QA mode lets anyone sign in as anyone, so it "
                           "listens on loopback only (127.0.0.1 or [::1])")
                .arg(m_config.listenAddress.toString()));
    const auto proxies = TrustedProxies::parse(m_config.trustedProxies);
    if (!proxies)
        return proxies.error();
    m_proxies = *proxies;
    if (m_config.qaMode && !m_config.issuer.isEmpty() && !isLoopbackUrl(m_config.issuer))
        return ServerError::startup(
            QStringLiteral("--qa refuses the issuer %1: QA mode lets anyone sign in as anyone, so its issuer is "
                           "a loopback URL only (http://127.0.0.1:PORT, http://[::1]:PORT or http://localhost:PORT)")
                .arg(m_config.issuer));
    if (!m_config.providersFile.isEmpty()) {
        auto providers = ProvidersFile::load(m_config.providersFile, ProvidersFile::Secrets::Required,
                                             QProcessEnvironment::systemEnvironment(), m_connectors.types());
        if (!providers)
            return providers.error();
        m_config.providers = *providers;
    }
    for (const UpstreamSettings &provider : std::as_const(m_config.providers)) {
        if (!m_connectors.knows(provider.type))
            return ServerError::startup(
                QStringLiteral("provider \"%1\": no connector for type \"%2\" (this server knows \"%3\")")
                    .arg(provider.id, provider.type, m_connectors.types().join(QStringLiteral("\", \""))));
    }
    if (m_config.providers.isEmpty() && !m_config.qaMode)
        return ServerError::startup(QStringLiteral(
            "no upstream providers, so nobody could sign in.\n"
            "  Configure real ones (Google, GitHub, your company's OpenID Connect provider) in a providers file\n"
            "  and start with --providers FILE; see latchkey-server(1) and docs/server.md.\n"
            "  Or, to try Latchkey on this machine only, start with --qa: simulated providers, test personas\n"
            "  and QA accounts that let anyone sign in as anyone. QA mode must never face a network."));
    return {};
}

Result<void> OidcServer::start()
{
    if (const auto checked = checkConfig(); !checked)
        return checked;
    if (const auto opened = openStorage(); !opened)
        return opened;
    if (const auto listening = listen(); !listening)
        return listening;
    const QString issuer = m_config.issuer.isEmpty()
        ? QStringLiteral("http://%1:%2").arg(hostForUrl(m_config.listenAddress)).arg(m_port)
        : m_config.issuer;
    m_shared = std::make_unique<ServerShared>(m_config, m_clock, m_proxies, *m_keys, *m_cipher, m_connectors, issuer,
                                              m_metrics);
    if (const auto started = startWorkers(); !started) {
        stopWorkers();
        return started;
    }
    if (const auto metrics = startMetrics(); !metrics) {
        stopWorkers();
        return metrics;
    }
    m_maintenance.start();
    m_keyReload.start();
    return {};
}

Result<void> OidcServer::listen()
{
    // In a thread of its own, so that accepting never waits for this one
    // (a test blocked in a synchronous wait, an application's busy thread).
    m_acceptThread = std::make_unique<QThread>();
    m_acceptThread->setObjectName(QStringLiteral("latchkey-acceptor"));
    m_acceptThread->start();
    m_listener = new ConnectionAcceptor;
    m_listener->moveToThread(m_acceptThread.get());
    QString error;
    QMetaObject::invokeMethod(
        m_listener,
        [this, &error] {
            if (!m_listener->listen(m_config.listenAddress, m_config.listenPort)) {
                error = m_listener->errorString();
                return;
            }
            // Until the workers are there to hand connections to.
            m_listener->pauseAccepting();
            m_port = m_listener->serverPort();
        },
        Qt::BlockingQueuedConnection);
    if (!error.isEmpty())
        return ServerError::startup(QStringLiteral("cannot listen on %1:%2: %3")
                                        .arg(m_config.listenAddress.toString())
                                        .arg(m_config.listenPort)
                                        .arg(error));
    return {};
}

Result<void> OidcServer::startWorkers()
{
    const int count = m_config.threads > 0 ? m_config.threads : std::max(1, QThread::idealThreadCount());
    for (int i = 0; i < count; ++i) {
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(QStringLiteral("latchkey-worker-%1").arg(i + 1));
        thread->start();
        auto *worker = new ServerWorker(*m_shared, m_listener->socketDescriptor());
        worker->moveToThread(thread.get());
        m_threads.push_back(std::move(thread));
        m_workers.push_back(worker);
        Result<void> started;
        QMetaObject::invokeMethod(
            worker, [worker, &started] { started = worker->start(); }, Qt::BlockingQueuedConnection);
        if (!started)
            return started;
    }
    QMetaObject::invokeMethod(
        m_listener,
        [this] {
            for (const ServerWorker *worker : m_workers)
                m_listener->addWorker(worker->guard());
            m_listener->resumeAccepting();
        },
        Qt::BlockingQueuedConnection);
    qCInfo(lcServer, "serving on port %u with %d worker threads", unsigned(m_port), count);
    return {};
}

QList<int> OidcServer::workerLoads() const
{
    QList<int> loads;
    for (const ServerWorker *worker : m_workers)
        loads.append(worker->guard() ? worker->guard()->load() : 0);
    return loads;
}

void OidcServer::stopWorkers()
{
    // No connection may be on its way to a worker that goes.
    if (m_listener) {
        QMetaObject::invokeMethod(
            m_listener, [listener = m_listener] { delete listener; }, Qt::BlockingQueuedConnection);
        m_listener = nullptr;
        m_acceptThread->quit();
        m_acceptThread->wait();
    }
    for (std::size_t i = 0; i < m_workers.size(); ++i) {
        ServerWorker *worker = m_workers[i];
        QMetaObject::invokeMethod(
            worker, [worker] { delete worker; }, Qt::BlockingQueuedConnection);
        m_threads[i]->quit();
        m_threads[i]->wait();
    }
    m_workers.clear();
    m_threads.clear();
}

// Its own listener, never the clients' port: what it tells (routes, error
// rates, sign-ins waiting) is for the operator. It counts nothing itself.
Result<void> OidcServer::startMetrics()
{
    if (m_config.metricsPort < 0)
        return {};
    m_metrics.setPendingSignIns([this]() -> std::optional<qint64> {
        const auto waiting = m_signInStore->waiting();
        return waiting ? std::optional<qint64>(*waiting) : std::nullopt;
    });
    m_metricsHttp = std::make_unique<HttpServer>(m_config.connectionLimits);
    m_metricsHttp->setClock(&m_clock);
    m_metricsEndpoint = std::make_unique<MetricsEndpoint>(m_metrics);
    m_metricsEndpoint->registerRoutes(*m_metricsHttp);
    const auto port = m_metricsHttp->listenOn(m_config.metricsAddress, quint16(m_config.metricsPort));
    if (!port)
        return ServerError::startup(QStringLiteral("--metrics-listen: %1").arg(port.error().description));
    m_metricsPort = *port;
    return {};
}

QStringList OidcServer::redirectUris(const ServerConfig &config)
{
    const QString issuer = config.issuer.isEmpty()
        ? QStringLiteral("http://%1:%2").arg(hostForUrl(config.listenAddress)).arg(config.listenPort)
        : config.issuer;
    QStringList lines;
    for (const UpstreamSettings &provider : config.providers) {
        if (provider.type == UpstreamSettings::SimulatedType)
            continue; // its page is this server's own
        lines.append(QStringLiteral("%1 %2%3").arg(provider.id, issuer, UpstreamEndpoint::callbackPath(provider.id)));
    }
    return lines;
}

Result<QString> OidcServer::importSeed(const QString &path)
{
    const auto result = SeedImporter(*m_db, *m_accounts, *m_providers).importFile(path);
    if (!result)
        return result.error();
    QString report = QStringLiteral("seed %1: %2 accounts created, %3 identities linked")
                         .arg(path)
                         .arg(result->created)
                         .arg(result->linked);
    for (const QString &problem : result->problems)
        report += QStringLiteral("\n  ") + problem;
    return report;
}

Result<void> OidcServer::rotateKeys()
{
    return m_keys->rotate();
}
