// SessionManager's steps without a server or a keychain: the written
// transition table, and what restoring and renewing do when nothing
// answers. The vault is InMemoryVault; the "server" is a port nobody
// listens on, which is what an unreachable server is to the client.

#include "InMemoryVault.h"
#include "SessionManager.h"
#include "SessionRenewal.h"
#include "SessionTransitions.h"

#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using Step = SessionManager::Step;
using State = SessionManager::State;

namespace {
constexpr int TimeoutMs = 10000;
constexpr qint64 Now = 1'900'000'000;

AccountProfile rita(const QString &issuer)
{
    return AccountProfile{issuer,
                          QStringLiteral("sub-rita"),
                          QStringLiteral("Rita"),
                          QStringLiteral("rita"),
                          QStringLiteral("rita@example.com"),
                          true,
                          QStringLiteral("GitHub")};
}

QList<Step> entered(const QSignalSpy &steps)
{
    QList<Step> list;
    for (const QList<QVariant> &step : steps)
        list.append(step.first().value<Step>());
    return list;
}
} // namespace

class TestSessionTransitions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void table_data();
    void table();
    void everyStepCanSignOut();
    void freshSessionRestoresWithoutNetwork();
    void expiredSessionRestoresOffline();
    void backoffDoublesToFiveMinutes();
    void keychainLockedThenUnlocked();
    void signOutWhileOffline();
    void cancelNeverEndsASession();
    void sessionWithoutRefreshTokenEnds();

private:
    std::unique_ptr<SessionManager> manager(qint64 expiresIn, const QString &refreshToken = QStringLiteral("r-1"));

    QString m_issuer;
    QNetworkAccessManager m_network;
    std::unique_ptr<InMemoryVault> m_vault;
    qint64 m_now = Now;
};

void TestSessionTransitions::initTestCase()
{
    QTcpServer closed; // a port that was free a moment ago and has nobody listening now
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    m_issuer = QStringLiteral("http://127.0.0.1:%1").arg(closed.serverPort());
}

void TestSessionTransitions::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral("refused transition")));
    m_now = Now;
    m_vault = std::make_unique<InMemoryVault>();
}

void TestSessionTransitions::cleanup()
{
    m_vault.reset();
}

std::unique_ptr<SessionManager> TestSessionTransitions::manager(qint64 expiresIn, const QString &refreshToken)
{
    const AccountProfile account = rita(m_issuer);
    m_vault->setCurrentAccount(account);
    m_vault->save(account, StoredSession{refreshToken, QStringLiteral("a-1"), m_now + expiresIn, {}});
    ClientConfig config;
    config.issuer = m_issuer;
    config.clock = [this] { return m_now; };
    config.keychainRetryMs = 50;
    return std::make_unique<SessionManager>(config, &m_network, m_vault.get());
}

void TestSessionTransitions::table_data()
{
    QTest::addColumn<Step>("from");
    QTest::addColumn<Step>("to");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("restore") << Step::SignedOut << Step::Restoring << true;
    QTest::newRow("restored, fresh") << Step::Restoring << Step::SignedIn << true;
    QTest::newRow("restored, due") << Step::Restoring << Step::Refreshing << true;
    QTest::newRow("renewed or offline") << Step::Refreshing << Step::SignedIn << true;
    QTest::newRow("ended: invalid_grant") << Step::Refreshing << Step::SignedOut << true;
    QTest::newRow("a renewal never fails into Error") << Step::Refreshing << Step::Error << false;
    QTest::newRow("restoring never fails into Error") << Step::Restoring << Step::Error << false;
    QTest::newRow("signed in without a sign-in") << Step::SignedOut << Step::SignedIn << false;
    QTest::newRow("tokens without a browser") << Step::Discovering << Step::Exchanging << false;
    QTest::newRow("stored only after exchanging") << Step::WaitingForBrowser << Step::Storing << false;
    QTest::newRow("an error is left by signing in") << Step::Error << Step::Discovering << true;
    QTest::newRow("an error is not a session") << Step::Error << Step::SignedIn << false;
    QTest::newRow("a link from the wizard") << Step::Onboarding << Step::Discovering << true;
    QTest::newRow("an account sign-in ends where it began") << Step::WaitingForBrowser << Step::SignedIn << true;
    QTest::newRow("storing is not left for a sign-in") << Step::Storing << Step::Discovering << false;
}

void TestSessionTransitions::table()
{
    QFETCH(Step, from);
    QFETCH(Step, to);
    QFETCH(bool, allowed);
    QCOMPARE(SessionTransitions::allowed(from, to), allowed);
}

void TestSessionTransitions::everyStepCanSignOut()
{
    const QMetaEnum steps = QMetaEnum::fromType<Step>();
    for (int i = 0; i < steps.keyCount(); ++i) {
        const auto step = Step(steps.value(i));
        QVERIFY2(SessionTransitions::allowed(step, Step::SignedOut), steps.key(i));
        QVERIFY2(!SessionTransitions::targets(step).isEmpty(), steps.key(i));
    }
}

void TestSessionTransitions::freshSessionRestoresWithoutNetwork()
{
    auto session = manager(900);
    QSignalSpy steps(session.get(), &SessionManager::stepChanged);
    session->restore();
    QTRY_COMPARE_WITH_TIMEOUT(session->step(), Step::SignedIn, TimeoutMs);
    QCOMPARE(entered(steps), (QList<Step>{Step::Restoring, Step::SignedIn}));
    QVERIFY(!session->isOffline());
    QCOMPARE(session->accessToken(), QStringLiteral("a-1"));
    // Renewed at 80 % of the 900 s left.
    QCOMPARE(session->nextRenewalAt(), Now + 720);
}

void TestSessionTransitions::expiredSessionRestoresOffline()
{
    auto session = manager(-3600); // ran out an hour ago
    QSignalSpy steps(session.get(), &SessionManager::stepChanged);
    session->restore();
    QTRY_VERIFY_WITH_TIMEOUT(session->isOffline(), TimeoutMs);
    QCOMPARE(entered(steps), (QList<Step>{Step::Restoring, Step::Refreshing, Step::SignedIn}));
    QCOMPARE(session->state(), State::SignedIn);
    QCOMPARE(session->renewalError().code, ClientError::Code::Network);
    QVERIFY(session->accessToken().isEmpty());
    QCOMPARE(session->nextRenewalAt(), Now + 5);
    QCOMPARE(m_vault->entry(rita(m_issuer))->refreshToken, QStringLiteral("r-1")); // nothing lost
}

void TestSessionTransitions::backoffDoublesToFiveMinutes()
{
    auto session = manager(-60);
    session->restore();
    QTRY_VERIFY_WITH_TIMEOUT(session->isOffline(), TimeoutMs);
    QList<qint64> waits{session->nextRenewalAt() - Now};
    for (int i = 0; i < 8; ++i) {
        QSignalSpy changed(session.get(), &SessionManager::renewalChanged);
        session->refreshNow(); // what the timer would do, without waiting for it
        QVERIFY(changed.wait(TimeoutMs));
        waits.append(session->nextRenewalAt() - Now);
    }
    QCOMPARE(waits, (QList<qint64>{5, 10, 20, 40, 80, 160, 300, 300, 300}));
    QCOMPARE(session->step(), Step::SignedIn);
}

void TestSessionTransitions::keychainLockedThenUnlocked()
{
    auto session = manager(900);
    m_vault->setFailure(ClientError::Code::KeychainLocked);
    session->restore();
    QTRY_COMPARE_WITH_TIMEOUT(session->step(), Step::KeychainRetry, TimeoutMs);
    QCOMPARE(session->signOutReason(), SessionManager::SignOutReason::KeychainUnavailable);
    m_vault->setFailure(ClientError::Code::None);
    QTRY_COMPARE_WITH_TIMEOUT(session->step(), Step::SignedIn, TimeoutMs);
    QCOMPARE(session->profile().username, QStringLiteral("rita"));
}

void TestSessionTransitions::signOutWhileOffline()
{
    auto session = manager(-60);
    session->restore();
    QTRY_VERIFY_WITH_TIMEOUT(session->isOffline(), TimeoutMs);
    QSignalSpy finished(session.get(), &SessionManager::signOutFinished);
    session->signOut();
    QCOMPARE(session->step(), Step::SignedOut);
    QVERIFY(!session->isOffline() || session->nextRenewalAt() == 0);
    QVERIFY(finished.wait(TimeoutMs));
    QVERIFY(!m_vault->entry(rita(m_issuer)).has_value());
    QVERIFY(!m_vault->currentAccount().isValid());
    QVERIFY(m_vault->selectsAccountNext());
}

void TestSessionTransitions::cancelNeverEndsASession()
{
    auto session = manager(-60);
    session->restore();
    QTRY_VERIFY_WITH_TIMEOUT(session->isOffline(), TimeoutMs);
    session->cancel(); // what the error view's Back did when a restore offline ended in Error
    QCOMPARE(session->step(), Step::SignedIn);
    QTest::qWait(50);
    QVERIFY(m_vault->entry(rita(m_issuer)).has_value());
    QVERIFY(m_vault->currentAccount().isValid());
}

void TestSessionTransitions::sessionWithoutRefreshTokenEnds()
{
    auto session = manager(-1, QString());
    session->restore();
    QTRY_COMPARE_WITH_TIMEOUT(session->step(), Step::SignedOut, TimeoutMs);
    QCOMPARE(session->signOutReason(), SessionManager::SignOutReason::SessionEnded);
}

QTEST_GUILESS_MAIN(TestSessionTransitions)
#include "TestSessionTransitions.moc"
