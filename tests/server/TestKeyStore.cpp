#include "Clock.h"
#include "KeyStore.h"
#include "Protocol.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

class TestKeyStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firstStartCreatesPrivateFile();
    void keysSurviveReload();
    void rotationPublishesBeforeSigningAndRetiresLater();
    void damagedFileIsAnError();
};

void TestKeyStore::firstStartCreatesPrivateFile()
{
    QTemporaryDir dir;
    Clock clock;
    KeyStore keys(clock);
    QString error;
    QVERIFY2(keys.load(dir.filePath("keys.json"), "ES256", &error), qPrintable(error));
    QCOMPARE(keys.keyCount(), 1);
    QVERIFY(keys.signingKey().hasPrivateKey());
    QCOMPARE(keys.signingKey().algorithm(), QStringLiteral("ES256"));
    QCOMPARE(QFile::permissions(dir.filePath("keys.json")),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser);
    QCOMPARE(keys.publishedKeys().keys().size(), 1);
    QVERIFY(!keys.publishedKeys().keys().first().hasPrivateKey());
}

void TestKeyStore::keysSurviveReload()
{
    QTemporaryDir dir;
    Clock clock;
    QString error;
    KeyStore first(clock);
    QVERIFY(first.load(dir.filePath("keys.json"), "ES256", &error));
    KeyStore second(clock);
    QVERIFY(second.load(dir.filePath("keys.json"), "ES256", &error));
    QCOMPARE(second.signingKey().kid(), first.signingKey().kid());
    QCOMPARE(second.signingKey().toPrivateJson(), first.signingKey().toPrivateJson());
}

void TestKeyStore::rotationPublishesBeforeSigningAndRetiresLater()
{
    QTemporaryDir dir;
    Clock clock;
    QString error;
    KeyStore keys(clock);
    QVERIFY(keys.load(dir.filePath("keys.json"), "ES256", &error));
    const QString oldKid = keys.signingKey().kid();
    QVERIFY(keys.rotate(&error));
    QCOMPARE(keys.publishedKeys().keys().size(), 2);
    QCOMPARE(keys.signingKey().kid(), oldKid); // published, not yet signing

    clock.advance(KeyStore::PublishLead);
    const QString newKid = keys.signingKey().kid();
    QVERIFY(newKid != oldKid);
    QVERIFY(!keys.publishedKeys().find(oldKid).isNull()); // its tokens are still valid

    clock.advance(Protocol::AccessTokenLifetimeSeconds + Protocol::ClockSkewLeewaySeconds + 1);
    QVERIFY(keys.publishedKeys().find(oldKid).isNull());
    KeyStore reloaded(clock);
    QVERIFY(reloaded.load(dir.filePath("keys.json"), "ES256", &error));
    QCOMPARE(reloaded.keyCount(), 1);
    QCOMPARE(reloaded.signingKey().kid(), newKid);
}

void TestKeyStore::damagedFileIsAnError()
{
    QTemporaryDir dir;
    QFile file(dir.filePath("keys.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"keys":[{"jwk":{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA","d":"AAAA"}}]})");
    file.close();
    Clock clock;
    KeyStore keys(clock);
    QString error;
    QVERIFY(!keys.load(dir.filePath("keys.json"), "ES256", &error));
    QVERIFY(error.contains("damaged"));
}

QTEST_GUILESS_MAIN(TestKeyStore)
#include "TestKeyStore.moc"
