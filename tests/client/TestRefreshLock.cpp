// Two app processes share one session: the refresh lock keeps the second
// from refreshing while the first still works, even when the first takes
// longer than the lock's stale time (here 1 s against a 3 s slow network;
// in the app 30 s against up to 50 s).

#include "ClientHarness.h"
#include "DelayingProxy.h"
#include "SessionManager.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using State = SessionManager::State;

class TestRefreshLock : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void secondProcessWaitsForSlowHolder();
};

void TestRefreshLock::secondProcessWaitsForSlowHolder()
{
    constexpr int StaleMs = 1000;
    constexpr int SlowNetworkMs = 3000;
    DelayingProxy proxy;
    QVERIFY(proxy.listen());
    ServerConfig serverConfig = qaServerConfig();
    serverConfig.issuer = proxy.url(); // every client goes through the slow network
    ClientHarness harness(serverConfig);
    QVERIFY(harness.start());
    proxy.setTarget(harness.server().server().port());

    harness.browser().usePersona(QStringLiteral("github"), QStringLiteral("returning"));
    auto first = harness.newManager();
    first->signIn();
    QTRY_COMPARE_WITH_TIMEOUT(first->state(), State::SignedIn, 15000);
    first.reset();
    harness.settings().sync();

    proxy.setTokenDelayMs(SlowNetworkMs);
    const int before = proxy.tokenRequests();
    ClientConfig config = harness.config();
    config.refreshLockStaleMs = StaleMs;
    QProcess holder;
    holder.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    holder.start(QStringLiteral(LATCHKEY_LOCK_HOLDER),
                 {config.issuer, harness.settings().fileName(), config.refreshLockPath, QString::number(StaleMs)});
    QSignalSpy arrived(&proxy, &DelayingProxy::tokenRequestArrived);
    QVERIFY(arrived.wait(15000)); // the holder has the lock and waits on the network

    // This process wants to refresh too, while the holder is slower than the stale time.
    config.clock = [] { return QDateTime::currentSecsSinceEpoch() + 3600; };
    auto second = harness.newManager(config);
    QSignalSpy refreshed(second.get(), &SessionManager::refreshed);
    second->restore();
    // With the event loop running: the proxy in this process carries the holder's requests.
    QTRY_COMPARE_WITH_TIMEOUT(holder.state(), QProcess::NotRunning, 30000);
    QCOMPARE(holder.exitCode(), 0);
    QCOMPARE(holder.readAllStandardOutput().trimmed(), QByteArray("refreshed"));
    QVERIFY(refreshed.wait(15000));
    QCOMPARE(second->state(), State::SignedIn);
    QVERIFY(proxy.tokenRequests() > before);
    QCOMPARE(proxy.maxTokenRequestsAtOnce(), 1); // never two rotations under way at once
    QVERIFY(!second->accessToken().isEmpty());
}

QTEST_MAIN(TestRefreshLock)
#include "TestRefreshLock.moc"
