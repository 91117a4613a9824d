// Runs on a D-Bus session where no Secret Service exists (isolated-keyring.sh
// no-service): signing in still works, nothing is written anywhere in plain
// text, and the person is told why the session won't be remembered.

#include "ClientHarness.h"
#include "SessionManager.h"

#include <QDirIterator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using State = SessionManager::State;

class TestKeychainUnavailable : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void vaultSaysUnavailable();
    void signInWorksButIsNotRemembered();
    void restoreExplainsWhy();

private:
    std::unique_ptr<ClientHarness> m_harness;
};

void TestKeychainUnavailable::init()
{
    m_harness = std::make_unique<ClientHarness>();
    QVERIFY(m_harness->start());
}

void TestKeychainUnavailable::cleanup()
{
    m_harness.reset();
}

void TestKeychainUnavailable::vaultSaysUnavailable()
{
    AccountProfile account;
    account.issuer = "http://127.0.0.1:1";
    account.subject = "s";
    // Each backend error is logged with QtKeychain's code and text, never with what was to be stored.
    for (const char *operation : {"write", "read"})
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("^(?!.*-secret-)keychain %1 failed: "
                                                               "QtKeychain error \\d+: .+$")
                                                    .arg(QLatin1String(operation))));
    const StoredSession secrets{"refresh-secret-1", "access-secret-1", 1, "id-secret-1"};
    for (VaultJob *job : {m_harness->vault().save(account, secrets), m_harness->vault().load(account)}) {
        QSignalSpy finished(job, &VaultJob::finished);
        QVERIFY(finished.wait(VaultJob::TimeoutMs + 1000));
        QCOMPARE(job->error().code, ClientError::Code::KeychainUnavailable);
        QVERIFY2(job->error().detail.startsWith("QtKeychain error"), qPrintable(job->error().detail));
    }
}

void TestKeychainUnavailable::signInWorksButIsNotRemembered()
{
    auto manager = m_harness->newManager();
    manager->signIn();
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedIn, 20000);
    QCOMPARE(manager->vaultError().code, ClientError::Code::KeychainUnavailable);
    // No plaintext fallback: the refresh token is in no file under HOME or the settings.
    const QByteArray token = manager->accessToken().toLatin1().left(40);
    QStringList places{qEnvironmentVariable("HOME"), QFileInfo(m_harness->settings().fileName()).absolutePath()};
    for (const QString &place : places) {
        QDirIterator it(place, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            if (file.open(QIODevice::ReadOnly))
                QVERIFY2(!file.readAll().contains(token), qPrintable(file.fileName()));
        }
    }
}

void TestKeychainUnavailable::restoreExplainsWhy()
{
    AccountProfile account;
    account.issuer = m_harness->server().issuer();
    account.subject = "sub-1";
    account.username = "rita";
    m_harness->vault().setCurrentAccount(account);
    auto manager = m_harness->newManager();
    manager->restore();
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedOut, 15000);
    QCOMPARE(manager->signOutReason(), SessionManager::SignOutReason::KeychainUnavailable);
    QCOMPARE(manager->error().code, ClientError::Code::KeychainUnavailable);
    QCOMPARE(manager->profile().username, QStringLiteral("rita")); // who it was is not forgotten
    QVERIFY(m_harness->vault().currentAccount().isValid());
}

QTEST_MAIN(TestKeychainUnavailable)
#include "TestKeychainUnavailable.moc"
