#include "Jwk.h"
#include "JwkSet.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

class TestJwk : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void generatedKeysRoundTrip_data();
    void generatedKeysRoundTrip();
    void rfc7515KeysImport_data();
    void rfc7515KeysImport();
    void rfc7638Thumbprint();
    void rejectsBadKeys_data();
    void rejectsBadKeys();
    void setSelectsByKidAndSkipsUnusable();

private:
    static QJsonObject vectors();
};

QJsonObject TestJwk::vectors()
{
    QFile file(QStringLiteral(LATCHKEY_TEST_DATA_DIR "/rfc7515-vectors.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

void TestJwk::generatedKeysRoundTrip_data()
{
    QTest::addColumn<Jwk::Type>("type");
    QTest::addColumn<QString>("alg");
    QTest::newRow("EC P-256") << Jwk::Type::EcP256 << "ES256";
    QTest::newRow("RSA 2048") << Jwk::Type::Rsa << "RS256";
}

void TestJwk::generatedKeysRoundTrip()
{
    QFETCH(Jwk::Type, type);
    QFETCH(QString, alg);
    const Jwk key = Jwk::generate(type);
    QVERIFY(!key.isNull());
    QVERIFY(key.hasPrivateKey());
    QCOMPARE(key.algorithm(), alg);
    QCOMPARE(key.kid(), key.thumbprint());

    const QJsonObject pub = key.toPublicJson();
    QCOMPARE(pub.value(QLatin1String("use")).toString(), QStringLiteral("sig"));
    QCOMPARE(pub.value(QLatin1String("alg")).toString(), alg);
    QVERIFY(!pub.contains(QLatin1String("d")));
    const auto imported = Jwk::fromJson(pub);
    QVERIFY(imported.has_value());
    QVERIFY(!imported->hasPrivateKey());
    QCOMPARE(imported->thumbprint(), key.thumbprint());

    const auto privateCopy = Jwk::fromJson(key.toPrivateJson());
    QVERIFY(privateCopy.has_value());
    QVERIFY(privateCopy->hasPrivateKey());
    QCOMPARE(privateCopy->toPrivateJson(), key.toPrivateJson());
}

void TestJwk::rfc7515KeysImport_data()
{
    QTest::addColumn<QString>("vector");
    QTest::addColumn<Jwk::Type>("type");
    QTest::newRow("A.2 RSA") << "rs256" << Jwk::Type::Rsa;
    QTest::newRow("A.3 EC") << "es256" << Jwk::Type::EcP256;
}

void TestJwk::rfc7515KeysImport()
{
    QFETCH(QString, vector);
    QFETCH(Jwk::Type, type);
    const QJsonObject jwk = vectors().value(vector).toObject().value(QLatin1String("jwk")).toObject();
    QVERIFY(!jwk.isEmpty());
    QString error;
    const auto key = Jwk::fromJson(jwk, &error);
    QVERIFY2(key.has_value(), qPrintable(error));
    QCOMPARE(key->type(), type);
    QVERIFY(key->hasPrivateKey());
    // Exporting gives back exactly the RFC's members.
    QJsonObject exported = key->toPrivateJson();
    for (const QString &member : jwk.keys())
        QCOMPARE(exported.value(member).toString(), jwk.value(member).toString());
}

void TestJwk::rfc7638Thumbprint()
{
    // RFC 7638 section 3.1: the thumbprint of the RFC 7517 A.1 RSA key.
    const QJsonObject jwk{
        {QStringLiteral("kty"), QStringLiteral("RSA")},
        {QStringLiteral("e"), QStringLiteral("AQAB")},
        {QStringLiteral("n"),
         QStringLiteral("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
                        "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY"
                        "368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f"
                        "M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")},
    };
    const auto key = Jwk::fromJson(jwk);
    QVERIFY(key.has_value());
    QCOMPARE(key->thumbprint(), QStringLiteral("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
}

void TestJwk::rejectsBadKeys_data()
{
    QTest::addColumn<QJsonObject>("jwk");
    const QJsonObject ec = Jwk::generate(Jwk::Type::EcP256).toPublicJson();
    auto with = [](QJsonObject o, const char *key, const QJsonValue &value) {
        o.insert(QLatin1String(key), value);
        return o;
    };
    QTest::newRow("unknown kty") << with(ec, "kty", QStringLiteral("oct"));
    QTest::newRow("other curve") << with(ec, "crv", QStringLiteral("P-384"));
    QTest::newRow("x not base64url") << with(ec, "x", QStringLiteral("!!!"));
    QTest::newRow("x too short") << with(ec, "x", QStringLiteral("AQAB"));
    QTest::newRow("point not on curve") << with(ec, "y", ec.value(QLatin1String("x")));
    QTest::newRow("alg does not fit") << with(ec, "alg", QStringLiteral("RS256"));
    QTest::newRow("missing y") << [&ec] {
        QJsonObject o = ec;
        o.remove(QLatin1String("y"));
        return o;
    }();
    const QJsonObject weakRsa{{QStringLiteral("kty"), QStringLiteral("RSA")},
                              {QStringLiteral("n"), QStringLiteral("AQAB")},
                              {QStringLiteral("e"), QStringLiteral("AQAB")}};
    QTest::newRow("RSA below 2048 bits") << weakRsa;
}

void TestJwk::rejectsBadKeys()
{
    QFETCH(QJsonObject, jwk);
    QString error;
    QVERIFY(!Jwk::fromJson(jwk, &error).has_value());
    QVERIFY(!error.isEmpty());
}

void TestJwk::setSelectsByKidAndSkipsUnusable()
{
    const Jwk a = Jwk::generate(Jwk::Type::EcP256);
    const Jwk b = Jwk::generate(Jwk::Type::EcP256);
    QJsonObject set = JwkSet({a, b}).toJson();
    QJsonArray keys = set.value(QLatin1String("keys")).toArray();
    keys.append(
        QJsonObject{{QStringLiteral("kty"), QStringLiteral("oct")}, {QStringLiteral("kid"), QStringLiteral("hmac")}});
    QJsonObject encryption = a.toPublicJson();
    encryption.insert(QLatin1String("use"), QStringLiteral("enc"));
    encryption.insert(QLatin1String("kid"), QStringLiteral("enc-key"));
    keys.append(encryption);
    set.insert(QLatin1String("keys"), keys);

    QStringList skipped;
    const JwkSet parsed = JwkSet::fromJson(set, &skipped);
    QCOMPARE(parsed.keys().size(), 2);
    QCOMPARE(skipped.size(), 2);
    QCOMPARE(parsed.find(b.kid()).thumbprint(), b.thumbprint());
    QVERIFY(parsed.find(QStringLiteral("enc-key")).isNull());
    QVERIFY(parsed.find(QStringLiteral("nope")).isNull());
}

QTEST_GUILESS_MAIN(TestJwk)
#include "TestJwk.moc"
