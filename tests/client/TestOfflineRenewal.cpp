// A signed-in person whose renewal cannot reach the server: the laptop
// opened in the morning before its Wi-Fi, a server restarting, a suspend
// that outlived the access token. The real reference server (stopped and
// started on its port), the real keychain of the test's D-Bus session, and
// a clock the test moves as a suspend would.

#include "ClientHarness.h"
#include "ResultAssert.h"
#include "SessionManager.h"
#include "SessionRenewal.h"
#include "SignInRobot.h"

#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <memory>

using State = SessionManager::State;
using Step = SessionManager::Step;

namespace {
constexpr int FlowTimeoutMs = 15000;

int timesEntered(const QSignalSpy &steps, Step step)
{
    int n = 0;
    for (const QList<QVariant> &entered : steps)
        n += entered.first().value<Step>() == step ? 1 : 0;
    return n;
}
} // namespace

class TestOfflineRenewal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void restoreExpiredWhileServerDown();
    void serverDownAtScheduledRenewal();
    void clockJumpAsAfterSuspend();
    void networkComingBackRenewsAtOnce();
    void signOutWhileOfflineEndsIt();

private:
    // A config whose clock is the real one plus `m_skew` seconds, retrying fast.
    ClientConfig config(int retryMs = 200) const;
    std::unique_ptr<SessionManager> signedIn();
    static void assertNeverFailed(const QSignalSpy &steps);

    std::unique_ptr<ClientHarness> m_harness;
    std::shared_ptr<std::atomic<qint64>> m_skew;
    ClientConfig m_base;
};

void TestOfflineRenewal::init()
{
    m_skew = std::make_shared<std::atomic<qint64>>(0);
    m_harness = std::make_unique<ClientHarness>();
    QVERIFY_OK(m_harness->start());
    m_base = m_harness->config(); // the server's address stays while it is down
}

void TestOfflineRenewal::cleanup()
{
    m_harness.reset();
}

ClientConfig TestOfflineRenewal::config(int retryMs) const
{
    ClientConfig c = m_base;
    c.clock = [skew = m_skew] { return QDateTime::currentSecsSinceEpoch() + skew->load(); };
    c.renewalRetryMs = retryMs;
    c.renewalRetryMaxMs = retryMs * 4;
    c.clockCheckMs = 100;
    return c;
}

std::unique_ptr<SessionManager> TestOfflineRenewal::signedIn()
{
    m_harness->browser().usePersona(QStringLiteral("github"), QStringLiteral("returning"));
    auto manager = m_harness->newManager(config());
    manager->signIn();
    [&] { QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedIn, FlowTimeoutMs); }();
    return manager;
}

void TestOfflineRenewal::assertNeverFailed(const QSignalSpy &steps)
{
    for (const QList<QVariant> &step : steps) {
        QVERIFY2(step.first().value<Step>() != Step::Error, "a renewal that could not reach the server entered Error");
        QVERIFY2(step.first().value<Step>() != Step::SignedOut, "a renewal that could not reach the server signed out");
    }
}

void TestOfflineRenewal::restoreExpiredWhileServerDown()
{
    const QString before = signedIn()->accessToken();
    const int browserOpens = m_harness->browser().openedUrls().size();
    m_harness->server().stop();
    m_skew->store(3600); // the next morning: the access token ran out overnight

    auto restarted = m_harness->newManager(config());
    QSignalSpy steps(restarted.get(), &SessionManager::stepChanged);
    restarted->restore();
    QTRY_VERIFY_WITH_TIMEOUT(restarted->isOffline(), FlowTimeoutMs);
    QCOMPARE(restarted->state(), State::SignedIn);
    QCOMPARE(restarted->profile().username, QStringLiteral("rita"));
    QVERIFY(restarted->accessToken().isEmpty()); // expired: nobody gets it
    QCOMPARE(restarted->renewalError().code, ClientError::Code::Network);
    QVERIFY(restarted->nextRenewalAt() > 0);
    QTRY_VERIFY_WITH_TIMEOUT(timesEntered(steps, Step::Refreshing) >= 3, FlowTimeoutMs); // tried again, and again
    assertNeverFailed(steps);

    QSignalSpy refreshed(restarted.get(), &SessionManager::refreshed);
    QVERIFY_OK(m_harness->server().start());
    QVERIFY(refreshed.wait(FlowTimeoutMs));
    QCOMPARE(restarted->state(), State::SignedIn);
    QVERIFY(!restarted->isOffline());
    QVERIFY(!restarted->accessToken().isEmpty());
    QVERIFY(restarted->accessToken() != before);
    QCOMPARE(m_harness->browser().openedUrls().size(), browserOpens); // renewed without a browser
    assertNeverFailed(steps);
}

void TestOfflineRenewal::serverDownAtScheduledRenewal()
{
    auto manager = signedIn();
    QSignalSpy steps(manager.get(), &SessionManager::stepChanged);
    m_harness->server().stop();
    // The access token's 80 % mark passes; the clock check makes it due.
    m_skew->store(manager->accessTokenExpiresAt() - QDateTime::currentSecsSinceEpoch() - 30);
    QTRY_VERIFY_WITH_TIMEOUT(manager->isOffline(), FlowTimeoutMs);
    QCOMPARE(manager->state(), State::SignedIn);
    QVERIFY(!manager->accessToken().isEmpty()); // still 30 s to go: still handed out

    QSignalSpy refreshed(manager.get(), &SessionManager::refreshed);
    QVERIFY_OK(m_harness->server().start());
    QVERIFY(refreshed.wait(FlowTimeoutMs));
    QVERIFY(!manager->isOffline());
    QVERIFY(manager->accessTokenExpiresAt() > QDateTime::currentSecsSinceEpoch() + m_skew->load() + 600);
    assertNeverFailed(steps);
}

void TestOfflineRenewal::clockJumpAsAfterSuspend()
{
    auto manager = signedIn();
    QVERIFY(manager->renewal()->nextAttemptAt() > 0);
    QSignalSpy refreshed(manager.get(), &SessionManager::refreshed);
    // A suspend: timers stood still, the wall clock did not. Its timer says
    // minutes to go; only the clock knows the token has run out.
    m_skew->store(2 * 3600);
    QVERIFY(manager->accessToken().isEmpty());
    QVERIFY(refreshed.wait(FlowTimeoutMs));
    QCOMPARE(manager->state(), State::SignedIn);
    QVERIFY(!manager->accessToken().isEmpty());
    QVERIFY(manager->accessTokenExpiresAt() > QDateTime::currentSecsSinceEpoch() + m_skew->load() + 600);
}

void TestOfflineRenewal::networkComingBackRenewsAtOnce()
{
    m_harness->browser().usePersona(QStringLiteral("github"), QStringLiteral("returning"));
    auto manager = m_harness->newManager(config(600000)); // the backoff alone would wait ten minutes
    manager->signIn();
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedIn, FlowTimeoutMs);
    m_harness->server().stop();
    manager->refreshNow();
    QTRY_VERIFY_WITH_TIMEOUT(manager->isOffline(), FlowTimeoutMs);
    QVERIFY(manager->nextRenewalAt() >= QDateTime::currentSecsSinceEpoch() + 590);
    QVERIFY_OK(m_harness->server().start());

    QSignalSpy refreshed(manager.get(), &SessionManager::refreshed);
    // The one fake here: this machine has no network to take away, so the
    // test says what QNetworkInformation says when the Wi-Fi comes back.
    manager->renewal()->onReachabilityChanged(QNetworkInformation::Reachability::Online);
    QVERIFY(refreshed.wait(FlowTimeoutMs));
    QVERIFY(!manager->isOffline());
}

void TestOfflineRenewal::signOutWhileOfflineEndsIt()
{
    auto manager = signedIn();
    const AccountProfile profile = manager->profile();
    m_harness->server().stop();
    manager->refreshNow();
    QTRY_VERIFY_WITH_TIMEOUT(manager->isOffline(), FlowTimeoutMs);

    QSignalSpy finished(manager.get(), &SessionManager::signOutFinished);
    manager->signOut();
    QCOMPARE(manager->state(), State::SignedOut);
    QVERIFY(finished.wait(FlowTimeoutMs)); // the revocation could not be sent; the keychain entry goes anyway
    QVERIFY(!m_harness->vault().currentAccount().isValid());
    VaultJob *job = m_harness->vault().load(profile);
    QSignalSpy loaded(job, &VaultJob::finished);
    QVERIFY(loaded.wait(VaultJob::TimeoutMs + 1000));
    QCOMPARE(job->error().code, ClientError::Code::KeychainNotFound);
}

QTEST_MAIN(TestOfflineRenewal)
#include "TestOfflineRenewal.moc"
