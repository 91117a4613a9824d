// Two app processes share one session (settings, keychain entry and refresh
// lock): the first one's refresh takes longer than the lock's stale time
// (here a 3 s slow network against 1 s; in the app up to 50 s against 30 s),
// and the lock must not go stale while it works, so the second process
// neither takes the lock nor refreshes with the token the first is rotating:
// it waits, then takes over the first one's rotated token from the keychain.
//
// Where the lock file's filesystem enforces flock(2), as on the local one
// the tests run on, QLockFile cannot remove the lock of a living holder
// even once it looks stale; without flock (NFS mounted with nolock, some
// FUSE mounts) the file's age is all it goes by. The second row preloads
// no-flock into the second process to play such a filesystem (a fault);
// both rows also check the file's age itself.

#include "ClientHarness.h"
#include "DelayingProxy.h"
#include "SessionManager.h"

#include <QDateTime>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using State = SessionManager::State;

class TestRefreshLock : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void secondProcessWaitsForSlowHolder_data();
    void secondProcessWaitsForSlowHolder();
};

namespace {
constexpr int StaleMs = 1000;
constexpr int SlowNetworkMs = 3000;

void startRefresher(QProcess &process, const ClientConfig &config, const QString &settingsFile)
{
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(QStringLiteral(LATCHKEY_SESSION_REFRESHER),
                  {config.issuer, settingsFile, config.refreshLockPath, QString::number(config.refreshLockStaleMs)});
}

// How long ago the lock file last changed, by QLockFile's own measure; -1 without a file.
qint64 lockAgeMs(const QString &path)
{
    const QFileInfo file(path);
    return file.exists() ? file.lastModified().msecsTo(QDateTime::currentDateTimeUtc()) : -1;
}
} // namespace

void TestRefreshLock::secondProcessWaitsForSlowHolder_data()
{
    QTest::addColumn<bool>("withoutFlock");
    QTest::newRow("local filesystem") << false;
    QTest::newRow("filesystem without flock") << true;
}

void TestRefreshLock::secondProcessWaitsForSlowHolder()
{
    QFETCH(bool, withoutFlock);
    DelayingProxy proxy;
    QVERIFY(proxy.listen());
    ServerConfig serverConfig = qaServerConfig();
    serverConfig.issuer = proxy.url(); // every client goes through the slow network
    ClientHarness harness(serverConfig);
    QVERIFY(harness.start());
    proxy.setTarget(harness.server().server().port());

    harness.browser().usePersona(QStringLiteral("github"), QStringLiteral("returning"));
    ClientConfig config = harness.config();
    config.refreshLockStaleMs = StaleMs;
    {
        auto signIn = harness.newManager(config);
        signIn->signIn();
        QTRY_COMPARE_WITH_TIMEOUT(signIn->state(), State::SignedIn, 15000);
    }
    harness.settings().sync();

    proxy.setTokenDelayMs(SlowNetworkMs);
    const int before = proxy.tokenRequests();
    QSignalSpy arrived(&proxy, &DelayingProxy::tokenRequestArrived);
    QProcess first;
    startRefresher(first, config, harness.settings().fileName());
    QVERIFY(arrived.wait(15000)); // the first holds the lock and waits on the network
    QVERIFY(QFileInfo::exists(config.refreshLockPath));

    QProcess second;
    if (withoutFlock) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("LD_PRELOAD"), QStringLiteral(LATCHKEY_NO_FLOCK));
        second.setProcessEnvironment(environment);
    }
    startRefresher(second, config, harness.settings().fileName());
    // With the event loop running: the proxy in this process carries both processes' requests.
    qint64 oldestLockMs = 0;
    while (first.state() != QProcess::NotRunning) {
        oldestLockMs = qMax(oldestLockMs, lockAgeMs(config.refreshLockPath));
        QTest::qWait(50);
    }
    QTRY_COMPARE_WITH_TIMEOUT(second.state(), QProcess::NotRunning, 15000);

    QCOMPARE(first.exitCode(), 0);
    QCOMPARE(second.exitCode(), 0);
    const QByteArray firstSaid = first.readAllStandardOutput().trimmed();
    QVERIFY2(firstSaid.startsWith("refreshed "), firstSaid.constData());
    // One rotation only, never two at once: the second took over the first one's tokens.
    QCOMPARE(proxy.maxTokenRequestsAtOnce(), 1);
    QCOMPARE(proxy.tokenRequests() - before, 1);
    QCOMPARE(second.readAllStandardOutput().trimmed(), firstSaid);
    // The lock was never stale while its holder worked, by QLockFile's measure.
    QVERIFY2(oldestLockMs < StaleMs, QByteArray::number(oldestLockMs).constData());

    // And the server still knows the session: the saved token refreshes.
    proxy.setTokenDelayMs(0);
    config.clock = [] { return QDateTime::currentSecsSinceEpoch() + 3 * 3600; };
    auto third = harness.newManager(config);
    QSignalSpy refreshed(third.get(), &SessionManager::refreshed);
    third->restore();
    QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, 15000);
    QCOMPARE(third->state(), State::SignedIn);
}

QTEST_MAIN(TestRefreshLock)
#include "TestRefreshLock.moc"
