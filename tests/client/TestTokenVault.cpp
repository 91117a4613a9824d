// TokenVault on the real Secret Service of the test's D-Bus session.

#include "TokenVault.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestTokenVault : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void saveLoadRemove();
    void entriesAreSeparatePerAccountAndServer();
    void missingEntryIsNotFound();
    void accountFactsLiveInSettings();

private:
    ClientError::Code run(VaultJob *job);
    AccountProfile account(const QString &issuer, const QString &sub);

    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<TokenVault> m_vault;
    StoredSession m_loaded;
};

void TestTokenVault::init()
{
    m_settings = std::make_unique<QSettings>(m_dir.filePath("settings.ini"), QSettings::IniFormat);
    m_vault = std::make_unique<TokenVault>(m_settings.get());
}

ClientError::Code TestTokenVault::run(VaultJob *job)
{
    QSignalSpy finished(job, &VaultJob::finished);
    if (!finished.wait(VaultJob::TimeoutMs + 1000))
        return ClientError::Code::KeychainTimedOut;
    m_loaded = job->session();
    return job->error().code;
}

AccountProfile TestTokenVault::account(const QString &issuer, const QString &sub)
{
    AccountProfile p;
    p.issuer = issuer;
    p.subject = sub;
    p.username = "user-" + sub;
    return p;
}

void TestTokenVault::saveLoadRemove()
{
    const AccountProfile a = account("http://127.0.0.1:1", QString::number(QDateTime::currentMSecsSinceEpoch()));
    const StoredSession session{"refresh-1", "access-1", 1'900'000'000, "id-1"};
    QCOMPARE(run(m_vault->save(a, session)), ClientError::Code::None);
    QCOMPARE(run(m_vault->load(a)), ClientError::Code::None);
    QCOMPARE(m_loaded.refreshToken, QStringLiteral("refresh-1"));
    QCOMPARE(m_loaded.accessToken, QStringLiteral("access-1"));
    QCOMPARE(m_loaded.accessTokenExpiresAt, 1'900'000'000);
    QCOMPARE(m_loaded.idToken, QStringLiteral("id-1"));
    const StoredSession rotated{"refresh-2", "access-2", 1'900'000'900, "id-1"};
    QCOMPARE(run(m_vault->save(a, rotated)), ClientError::Code::None);
    QCOMPARE(run(m_vault->load(a)), ClientError::Code::None);
    QCOMPARE(m_loaded.refreshToken, QStringLiteral("refresh-2"));
    QCOMPARE(run(m_vault->remove(a)), ClientError::Code::None);
    QCOMPARE(run(m_vault->load(a)), ClientError::Code::KeychainNotFound);
}

void TestTokenVault::entriesAreSeparatePerAccountAndServer()
{
    const AccountProfile a = account("http://127.0.0.1:1", "same-sub");
    const AccountProfile b = account("http://127.0.0.1:2", "same-sub");
    QCOMPARE(run(m_vault->save(a, {"ra", "aa", 1, ""})), ClientError::Code::None);
    QCOMPARE(run(m_vault->save(b, {"rb", "ab", 1, ""})), ClientError::Code::None);
    QCOMPARE(run(m_vault->load(a)), ClientError::Code::None);
    QCOMPARE(m_loaded.refreshToken, QStringLiteral("ra"));
    QCOMPARE(run(m_vault->load(b)), ClientError::Code::None);
    QCOMPARE(m_loaded.refreshToken, QStringLiteral("rb"));
    run(m_vault->remove(a));
    run(m_vault->remove(b));
}

void TestTokenVault::missingEntryIsNotFound()
{
    QCOMPARE(run(m_vault->load(account("http://127.0.0.1:3", "nobody"))), ClientError::Code::KeychainNotFound);
}

void TestTokenVault::accountFactsLiveInSettings()
{
    AccountProfile a = account("http://127.0.0.1:4", "sub-4");
    a.name = "Zoë";
    a.email = "z@example.org";
    a.emailVerified = true;
    a.provider = "GitHub";
    m_vault->setCurrentAccount(a);
    TokenVault other(m_settings.get());
    const AccountProfile read = other.currentAccount();
    QCOMPARE(read.vaultKey(), a.vaultKey());
    QCOMPARE(read.name, a.name);
    QCOMPARE(read.email, a.email);
    QCOMPARE(read.emailVerified, true);
    QCOMPARE(read.provider, a.provider);
    other.forgetCurrentAccount();
    QVERIFY(!m_vault->currentAccount().isValid());
}

QTEST_GUILESS_MAIN(TestTokenVault)
#include "TestTokenVault.moc"
