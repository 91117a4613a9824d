#include "Clock.h"
#include "Database.h"
#include "KeyStore.h"
#include "Protocol.h"
#include "ResultAssert.h"
#include "TestDatabase.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

// The signing keys in the database: sealed, shared by instances, rotated.
class TestKeyStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data() { TestDatabase::addBackendRows(); }
    void init();
    void cleanup();
    void firstStartCreatesSealedKey();
    void keysSurviveReload();
    void rotationPublishesBeforeSigningAndRetiresLater();
    void rotationOnOneInstanceReachesAnother();
    void keysOfAnEarlierVersionMoveIntoTheDatabase();
    void damagedLegacyFileIsAnError();
    void wrongKeyFileIsRefused();
    void wrongKeyFileWithAnotherAlgorithmWritesNothing();
    void keyFileOpeningSomeKeysIsRefused();
    void alteredRowIsRefused_data();
    void alteredRowIsRefused();

private:
    QString privateKeyOf(const QString &kid);
    QStringList storedKids();
    // A key file in the test's directory, as --key-file reads it.
    Result<KeyCipher> keyFile(const QString &name);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestDatabase> m_database;
    std::unique_ptr<Database> m_db;
    const KeyCipher m_cipher{QByteArray(KeyCipher::KeySize, 'k')};
};

void TestKeyStore::init()
{
    LATCHKEY_USE_BACKEND();
    m_dir = std::make_unique<QTemporaryDir>();
    m_database = std::make_unique<TestDatabase>(TestDatabase::currentBackend());
    QVERIFY2(m_database->error().isEmpty(), qPrintable(m_database->error()));
    const auto url = DatabaseUrl::parse(m_database->url(), m_dir->path());
    QVERIFY_OK(url);
    m_db = std::make_unique<Database>();
    QVERIFY_OK(m_db->connect(*url));
    QVERIFY_OK(m_db->migrate());
}

void TestKeyStore::cleanup()
{
    m_db.reset();
    m_database.reset();
    m_dir.reset();
}

QString TestKeyStore::privateKeyOf(const QString &kid)
{
    QSqlQuery q(m_db->connection());
    q.prepare("SELECT private_key FROM signing_keys WHERE kid = ?");
    q.addBindValue(kid);
    return q.exec() && q.next() ? q.value(0).toString() : QString();
}

QStringList TestKeyStore::storedKids()
{
    QSqlQuery q(m_db->connection());
    QStringList kids;
    if (q.exec("SELECT kid FROM signing_keys ORDER BY kid")) {
        while (q.next())
            kids.append(q.value(0).toString());
    }
    return kids;
}

Result<KeyCipher> TestKeyStore::keyFile(const QString &name)
{
    const QString path = m_dir->filePath(name);
    if (const auto created = KeyCipher::createFile(path); !created)
        qWarning("%s", qPrintable(created.error().description));
    return KeyCipher::fromFile(path);
}

void TestKeyStore::firstStartCreatesSealedKey()
{
    Clock clock;
    KeyStore keys(*m_db, clock, m_cipher);
    QVERIFY_OK(keys.prepare("ES256", {}));
    QCOMPARE(keys.keyCount(), 1);
    QVERIFY(keys.signingKey().hasPrivateKey());
    QCOMPARE(keys.signingKey().algorithm(), QStringLiteral("ES256"));
    QCOMPARE(keys.publishedKeys().keys().size(), 1);
    QVERIFY(!keys.publishedKeys().keys().first().hasPrivateKey());
    // The private part is in the database sealed, never in clear.
    const QString d = keys.signingKey().toPrivateJson().value("d").toString();
    const QString stored = privateKeyOf(keys.signingKey().kid());
    QVERIFY(!stored.isEmpty());
    QVERIFY(!stored.contains(d));
    QVERIFY(!QByteArray::fromBase64(stored.toLatin1()).contains(d.toLatin1()));
}

void TestKeyStore::keysSurviveReload()
{
    Clock clock;
    KeyStore first(*m_db, clock, m_cipher);
    QVERIFY_OK(first.prepare("ES256", {}));
    KeyStore second(*m_db, clock, m_cipher);
    QVERIFY_OK(second.prepare("ES256", {}));
    QCOMPARE(second.keyCount(), 1);
    QCOMPARE(second.signingKey().kid(), first.signingKey().kid());
    QCOMPARE(second.signingKey().toPrivateJson(), first.signingKey().toPrivateJson());
}

void TestKeyStore::rotationPublishesBeforeSigningAndRetiresLater()
{
    Clock clock;
    KeyStore keys(*m_db, clock, m_cipher);
    QVERIFY_OK(keys.prepare("ES256", {}));
    const QString oldKid = keys.signingKey().kid();
    QVERIFY_OK(keys.rotate());
    QCOMPARE(keys.publishedKeys().keys().size(), 2);
    QCOMPARE(keys.signingKey().kid(), oldKid); // published, not yet signing

    clock.advance(KeyStore::PublishLead);
    const QString newKid = keys.signingKey().kid();
    QVERIFY(newKid != oldKid);
    QVERIFY(!keys.publishedKeys().find(oldKid).isNull()); // its tokens are still valid

    clock.advance(Protocol::AccessTokenLifetimeSeconds + Protocol::ClockSkewLeewaySeconds + 1);
    QVERIFY(keys.publishedKeys().find(oldKid).isNull());
    KeyStore restarted(*m_db, clock, m_cipher);
    QVERIFY_OK(restarted.prepare("ES256", {}));
    QCOMPARE(restarted.keyCount(), 1);
    QCOMPARE(restarted.signingKey().kid(), newKid);
    QVERIFY(privateKeyOf(oldKid).isEmpty()); // deleted from the database, not just hidden
}

void TestKeyStore::rotationOnOneInstanceReachesAnother()
{
    Clock clock;
    KeyStore a(*m_db, clock, m_cipher);
    KeyStore b(*m_db, clock, m_cipher);
    QVERIFY_OK(a.prepare("ES256", {}));
    QVERIFY_OK(b.prepare("ES256", {}));
    QVERIFY_OK(a.rotate());
    QCOMPARE(b.publishedKeys().keys().size(), 1);
    QVERIFY_OK(b.reload()); // what the reload timer does every ReloadSeconds
    QCOMPARE(b.publishedKeys().keys().size(), 2);
    // The lead is far longer than the reload interval: every instance publishes before any signs.
    QVERIFY(KeyStore::PublishLead > 2 * KeyStore::ReloadSeconds);
    clock.advance(KeyStore::PublishLead);
    QCOMPARE(b.signingKey().kid(), a.signingKey().kid());
    QCOMPARE(b.signingKey().toPrivateJson(), a.signingKey().toPrivateJson());
}

void TestKeyStore::keysOfAnEarlierVersionMoveIntoTheDatabase()
{
    const Jwk older = Jwk::generate(Jwk::Type::EcP256);
    const Jwk newer = Jwk::generate(Jwk::Type::EcP256);
    const QString path = m_dir->filePath("signing-keys.json");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    Clock clock;
    const QJsonArray entries{QJsonObject{{"jwk", older.toPrivateJson()}, {"activates_at", double(clock.now() - 100)}},
                             QJsonObject{{"jwk", newer.toPrivateJson()}, {"activates_at", double(clock.now() + 60)}}};
    file.write(QJsonDocument(QJsonObject{{"keys", entries}}).toJson());
    file.close();

    KeyStore keys(*m_db, clock, m_cipher);
    QVERIFY_OK(keys.prepare("ES256", path));
    QVERIFY(!QFile::exists(path)); // no copy in clear stays behind
    QCOMPARE(keys.keyCount(), 2);
    QCOMPARE(keys.signingKey().kid(), older.kid());
    QCOMPARE(keys.signingKey().toPrivateJson(), older.toPrivateJson());
    clock.advance(60);
    QCOMPARE(keys.signingKey().kid(), newer.kid());
}

void TestKeyStore::damagedLegacyFileIsAnError()
{
    const QString path = m_dir->filePath("signing-keys.json");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"keys":[{"jwk":{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA","d":"AAAA"}}]})");
    file.close();
    Clock clock;
    KeyStore keys(*m_db, clock, m_cipher);
    const auto refused = keys.prepare("ES256", path);
    QVERIFY(!refused);
    const QString error = refused.error().description;
    QVERIFY(error.contains("damaged"));
    QVERIFY(QFile::exists(path)); // nothing moved, nothing lost
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec("SELECT COUNT(*) FROM signing_keys") && q.next());
    QCOMPARE(q.value(0).toInt(), 0);
}

void TestKeyStore::wrongKeyFileIsRefused()
{
    Clock clock;
    KeyStore first(*m_db, clock, m_cipher);
    QVERIFY_OK(first.prepare("ES256", {}));
    KeyStore other(*m_db, clock, KeyCipher(QByteArray(KeyCipher::KeySize, 'x')));
    const auto refused = other.prepare("ES256", {});
    QVERIFY(!refused);
    const QString error = refused.error().description;
    QVERIFY2(error.contains("does not open the signing keys stored in the database") && error.contains("--key-file"),
             qPrintable(error));
    QCOMPARE(other.keyCount(), 0);
}

void TestKeyStore::wrongKeyFileWithAnotherAlgorithmWritesNothing()
{
    // The security review's case: the wrong key file, and an algorithm with
    // no key yet, which prepare() makes a first key for.
    const auto right = keyFile("a.key");
    const auto wrong = keyFile("b.key");
    QVERIFY(right && wrong);
    Clock clock;
    KeyStore first(*m_db, clock, *right);
    QVERIFY_OK(first.prepare("ES256", {}));
    const QStringList before = storedKids();
    QCOMPARE(before.size(), 1);

    KeyStore mistaken(*m_db, clock, *wrong);
    const auto refused = mistaken.prepare("RS256", {});
    QVERIFY(!refused);
    const QString error = refused.error().description;
    const QString expected = "--key-file " + m_dir->filePath("b.key")
        + " does not open the signing keys stored in the database: it is not the file they were sealed with";
    QVERIFY2(error.contains(expected), qPrintable(error));
    QCOMPARE(storedKids(), before); // no key sealed with the wrong file

    KeyStore again(*m_db, clock, *right);
    QVERIFY_OK(again.prepare("ES256", {}));
    QCOMPARE(again.signingKey().kid(), first.signingKey().kid());
    QCOMPARE(storedKids(), before);
}

void TestKeyStore::keyFileOpeningSomeKeysIsRefused()
{
    // Two keys, one of them sealed again with another file: keys of two
    // databases mixed, or a row replaced. Neither file may start on it.
    const auto a = keyFile("a.key");
    const auto b = keyFile("b.key");
    QVERIFY(a && b);
    Clock clock;
    KeyStore keys(*m_db, clock, *a);
    QVERIFY_OK(keys.prepare("ES256", {}));
    QVERIFY_OK(keys.rotate());
    const QString resealed = keys.publishedKeys().keys().last().kid();
    const auto plain = a->open(privateKeyOf(resealed).toLatin1(), resealed.toUtf8());
    QVERIFY(plain);
    QSqlQuery q(m_db->connection());
    q.prepare("UPDATE signing_keys SET private_key = ? WHERE kid = ?");
    q.addBindValue(QString::fromLatin1(b->seal(*plain, resealed.toUtf8())));
    q.addBindValue(resealed);
    QVERIFY(q.exec());
    const QStringList before = storedKids();

    for (const auto &[cipher, name] : {std::pair{*a, "a.key"}, std::pair{*b, "b.key"}}) {
        KeyStore restarted(*m_db, clock, cipher);
        const auto refused = restarted.prepare("RS256", {});
        QVERIFY(!refused);
        const QString error = refused.error().description;
        QVERIFY2(error.contains("--key-file " + m_dir->filePath(name) + " opens 1 of the 2 signing keys"),
                 qPrintable(error));
        QVERIFY2(error.contains("sealed with different key files or altered"), qPrintable(error));
        QCOMPARE(storedKids(), before);
    }
}

void TestKeyStore::alteredRowIsRefused_data()
{
    QTest::addColumn<QString>("alteration");
    QTest::newRow("a byte of the sealed key") << "flip";
    QTest::newRow("another key's sealed value") << "swap";
}

void TestKeyStore::alteredRowIsRefused()
{
    QFETCH(QString, alteration);
    Clock clock;
    KeyStore keys(*m_db, clock, m_cipher);
    QVERIFY_OK(keys.prepare("ES256", {}));
    QVERIFY_OK(keys.rotate());
    const QList<Jwk> published = keys.publishedKeys().keys();
    const QString kid = published.first().kid();
    QByteArray raw = QByteArray::fromBase64(privateKeyOf(kid).toLatin1());
    if (alteration == "flip")
        raw[20] = char(raw.at(20) ^ 0x01);
    else
        raw = QByteArray::fromBase64(privateKeyOf(published.last().kid()).toLatin1());
    QSqlQuery q(m_db->connection());
    q.prepare("UPDATE signing_keys SET private_key = ? WHERE kid = ?");
    q.addBindValue(QString::fromLatin1(raw.toBase64()));
    q.addBindValue(kid);
    QVERIFY(q.exec());
    KeyStore restarted(*m_db, clock, m_cipher);
    const auto refused = restarted.prepare("ES256", {});
    QVERIFY(!refused);
    const QString error = refused.error().description;
    QVERIFY2(error.contains(kid), qPrintable(error));
    QVERIFY_OK(keys.reload()); // an instance that opened it before keeps its copy
    QCOMPARE(keys.keyCount(), 2);
}

QTEST_GUILESS_MAIN(TestKeyStore)
#include "TestKeyStore.moc"
