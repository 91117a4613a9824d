#include "ErrorCodes.h"
#include "KeyCipher.h"
#include "ResultAssert.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

// The sealing of the signing keys' private parts and the key file it reads.
class TestKeyCipher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createdFileIsPrivateAndOpens();
    void createNeverOverwrites();
    void badKeyFileIsRefused_data();
    void badKeyFileIsRefused();
    void sealedValueOpens();
    void tamperedValueIsRefused_data();
    void tamperedValueIsRefused();
    void everySealHasItsOwnNonce();
};

namespace {
QByteArray key(char fill)
{
    return QByteArray(KeyCipher::KeySize, fill);
}

bool writeFile(const QString &path, const QByteArray &data, QFileDevice::Permissions permissions)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size() && file.setPermissions(permissions);
}
} // namespace

void TestKeyCipher::createdFileIsPrivateAndOpens()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("kek");
    QVERIFY_OK(KeyCipher::createFile(path));
    QCOMPARE(QFile::permissions(path) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QCOMPARE(QFileInfo(path).size(), KeyCipher::KeySize);
    const auto cipher = KeyCipher::fromFile(path);
    QVERIFY_OK(cipher);
    QCOMPARE(cipher->open(cipher->seal("secret", "kid"), "kid").value_or(QByteArray()), QByteArray("secret"));
}

void TestKeyCipher::createNeverOverwrites()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("kek");
    QVERIFY(writeFile(path, key('a'), QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const auto created = KeyCipher::createFile(path);
    QVERIFY(!created);
    QVERIFY(created.error().description.contains(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), key('a'));
}

void TestKeyCipher::badKeyFileIsRefused_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("permissions");
    QTest::addColumn<QString>("message");
    const int ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    QTest::newRow("readable by the group")
        << key('k') << (ownerOnly | QFileDevice::ReadGroup) << "may be read by others than its owner";
    QTest::newRow("readable by anyone") << key('k') << (ownerOnly | QFileDevice::ReadOther) << "chmod 600";
    QTest::newRow("31 bytes") << QByteArray(31, 'k') << ownerOnly << "holds 31 bytes";
    QTest::newRow("33 bytes") << QByteArray(33, 'k') << ownerOnly << "holds 33 bytes";
    QTest::newRow("64 hex digits") << key('k').toHex() << ownerOnly << "exactly 32 random bytes";
    QTest::newRow("empty") << QByteArray() << ownerOnly << "holds 0 bytes";
    QTest::newRow("missing") << QByteArray("-") << 0 << "does not exist";
    QTest::newRow("a directory") << QByteArray("/") << 0 << "not a regular file";
}

void TestKeyCipher::badKeyFileIsRefused()
{
    QFETCH(QByteArray, content);
    QFETCH(int, permissions);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString path = dir.filePath("kek");
    if (content == "/")
        QVERIFY(QDir(dir.path()).mkdir("kek"));
    else if (content != "-")
        QVERIFY(writeFile(path, content, QFileDevice::Permissions(permissions)));
    const auto cipher = KeyCipher::fromFile(path);
    QVERIFY(!cipher);
    const QString error = cipher.error().description;
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY2(error.contains(path), qPrintable(error));
    // latchkey-server cannot start: not a request's answer.
    QCOMPARE(cipher.error().code, QByteArray(ErrorCode::ServerError));
    QCOMPARE(cipher.error().status, 500);
}

void TestKeyCipher::sealedValueOpens()
{
    const KeyCipher cipher(key('k'));
    const QByteArray secret = R"({"kty":"EC","d":"private"})";
    const QByteArray sealed = cipher.seal(secret, "kid-1");
    QVERIFY(!sealed.isEmpty());
    QVERIFY(!sealed.contains("private"));
    QVERIFY(!QByteArray::fromBase64(sealed).contains("private"));
    QCOMPARE(cipher.open(sealed, "kid-1").value_or(QByteArray()), secret);
}

void TestKeyCipher::tamperedValueIsRefused_data()
{
    QTest::addColumn<int>("flipByte");        // -1: none
    QTest::addColumn<QByteArray>("openWith"); // the associated data given to open()
    QTest::addColumn<char>("keyFill");        // the key open() uses
    QTest::newRow("a nonce byte") << 0 << QByteArray("kid-1") << 'k';
    QTest::newRow("a ciphertext byte") << 14 << QByteArray("kid-1") << 'k';
    QTest::newRow("a tag byte") << -2 << QByteArray("kid-1") << 'k';
    QTest::newRow("another row's kid") << -1 << QByteArray("kid-2") << 'k';
    QTest::newRow("another key file") << -1 << QByteArray("kid-1") << 'x';
}

void TestKeyCipher::tamperedValueIsRefused()
{
    QFETCH(int, flipByte);
    QFETCH(QByteArray, openWith);
    QFETCH(char, keyFill);
    const KeyCipher cipher(key('k'));
    QByteArray raw = QByteArray::fromBase64(cipher.seal("the private key", "kid-1"));
    if (flipByte != -1) {
        const int at = flipByte < 0 ? int(raw.size()) + flipByte : flipByte;
        raw[at] = char(raw.at(at) ^ 0x01);
    }
    QVERIFY(!KeyCipher(key(keyFill)).open(raw.toBase64(), openWith));
    QVERIFY(!cipher.open("not base64 !", "kid-1"));
    QVERIFY(!cipher.open(raw.left(20).toBase64(), "kid-1")); // shorter than nonce and tag
}

void TestKeyCipher::everySealHasItsOwnNonce()
{
    const KeyCipher cipher(key('k'));
    const QByteArray first = QByteArray::fromBase64(cipher.seal("same", "kid"));
    const QByteArray second = QByteArray::fromBase64(cipher.seal("same", "kid"));
    QVERIFY(first.left(12) != second.left(12));
    QVERIFY(first != second);
}

QTEST_GUILESS_MAIN(TestKeyCipher)
#include "TestKeyCipher.moc"
