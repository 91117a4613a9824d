#include "Base64Url.h"
#include "Jws.h"

#include <QFile>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QTest>

using Error = Jws::Error;

class TestJws : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void rfc7515RS256Verifies();
    void rfc7515RS256SignsIdentically();
    void rfc7515ES256Verifies();
    void roundTrip_data();
    void roundTrip();
    void typeCheck_data();
    void typeCheck();
    void rejects_data();
    void rejects();
    void highSIsTheOtherForm();
    void everySignatureIsLowS();
    void headerMemberTypes_data();
    void headerMemberTypes();

private:
    static QByteArray craft(const QByteArray &header, const QByteArray &payload, const QByteArray &signature);
    // The same ES256 signature with s replaced by n - s (n: the P-256 order).
    static QByteArray otherForm(const QByteArray &token);
    QJsonObject vector(const char *name) const { return m_vectors.value(QLatin1String(name)).toObject(); }
    Jwk vectorKey(const char *name) const;

    QJsonObject m_vectors;
    Jwk m_ec;
    Jwk m_rsa;
};

void TestJws::initTestCase()
{
    QFile file(QStringLiteral(LATCHKEY_TEST_DATA_DIR "/rfc7515-vectors.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    m_vectors = QJsonDocument::fromJson(file.readAll()).object();
    m_ec = Jwk::generate(Jwk::Type::EcP256);
    m_rsa = Jwk::generate(Jwk::Type::Rsa);
}

Jwk TestJws::vectorKey(const char *name) const
{
    return Jwk::fromJson(vector(name).value(QLatin1String("jwk")).toObject()).value_or(Jwk());
}

QByteArray TestJws::craft(const QByteArray &header, const QByteArray &payload, const QByteArray &signature)
{
    return Base64Url::encode(header) + '.' + Base64Url::encode(payload) + '.' + Base64Url::encode(signature);
}

QByteArray TestJws::otherForm(const QByteArray &token)
{
    static const QByteArray order = QByteArray::fromHex(
        "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
    const qsizetype dot = token.lastIndexOf('.');
    QByteArray signature = *Base64Url::decode(token.mid(dot + 1));
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
        int digit = quint8(order.at(i)) - quint8(signature.at(32 + i)) - borrow;
        borrow = digit < 0 ? 1 : 0;
        signature[32 + i] = char(quint8(digit + 256 * borrow));
    }
    return token.left(dot + 1) + Base64Url::encode(signature);
}

void TestJws::rfc7515RS256Verifies()
{
    const JwkSet keys({vectorKey("rs256").publicKey()});
    const auto result = Jws::verify(vector("rs256").value(QLatin1String("compact")).toString().toLatin1(), keys,
                                    std::nullopt);
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(result.payload.value(QLatin1String("iss")).toString(), QStringLiteral("joe"));
    QCOMPARE(result.payload.value(QLatin1String("exp")).toInteger(), 1300819380);
}

void TestJws::rfc7515RS256SignsIdentically()
{
    // RSASSA-PKCS1-v1_5 is deterministic: signing the RFC's input must give the RFC's signature.
    const QJsonObject v = vector("rs256");
    const QByteArray compact = Jws::signEncoded(v.value(QLatin1String("protected")).toString().toLatin1(),
                                                v.value(QLatin1String("payload")).toString().toLatin1(),
                                                vectorKey("rs256"));
    QCOMPARE(compact, v.value(QLatin1String("compact")).toString().toLatin1());
}

void TestJws::rfc7515ES256Verifies()
{
    const JwkSet keys({vectorKey("es256").publicKey()});
    const QByteArray compact = vector("es256").value(QLatin1String("compact")).toString().toLatin1();
    // The RFC's signature has a high s, as any signer's may: other issuers' tokens take either form.
    const auto result = Jws::verify(compact, keys, std::nullopt, Jws::EcdsaForms::Either);
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(result.payload.value(QLatin1String("iss")).toString(), QStringLiteral("joe"));
    QCOMPARE(Jws::verify(compact, keys, std::nullopt).error, Error::BadSignature);
    QVERIFY(Jws::verify(otherForm(compact), keys, std::nullopt).ok());

    // ECDSA is randomized; a fresh signature by the RFC key must verify as well.
    const QJsonObject v = vector("es256");
    const QByteArray resigned = Jws::signEncoded(v.value(QLatin1String("protected")).toString().toLatin1(),
                                                 v.value(QLatin1String("payload")).toString().toLatin1(),
                                                 vectorKey("es256"));
    QVERIFY(resigned != compact);
    QVERIFY(Jws::verify(resigned, keys, std::nullopt).ok());
}

void TestJws::roundTrip_data()
{
    QTest::addColumn<bool>("rsa");
    QTest::newRow("ES256") << false;
    QTest::newRow("RS256") << true;
}

void TestJws::roundTrip()
{
    QFETCH(bool, rsa);
    const Jwk key = rsa ? m_rsa : m_ec;
    const QJsonObject claims{{QStringLiteral("sub"), QStringLiteral("u1")},
                             {QStringLiteral("name"), QStringLiteral("Zoë 李")}};
    const QByteArray token = Jws::sign({{QStringLiteral("typ"), QStringLiteral("JWT")}}, claims, key);
    const auto result = Jws::verify(token, JwkSet({m_ec.publicKey(), m_rsa.publicKey()}),
                                    QStringList{QStringLiteral("JWT")});
    QVERIFY2(result.ok(), qPrintable(result.message));
    QCOMPARE(result.payload, claims);
    QCOMPARE(result.header.value(QLatin1String("kid")).toString(), key.kid());
    QCOMPARE(result.header.value(QLatin1String("alg")).toString(), key.algorithm());
}

void TestJws::typeCheck_data()
{
    QTest::addColumn<QString>("typ");
    QTest::addColumn<QStringList>("accepted");
    QTest::addColumn<bool>("ok");
    QTest::newRow("exact") << "onboarding+jwt" << QStringList{"onboarding+jwt"} << true;
    QTest::newRow("case-insensitive") << "Onboarding+JWT" << QStringList{"onboarding+jwt"} << true;
    QTest::newRow("with application/") << "application/onboarding+jwt" << QStringList{"onboarding+jwt"} << true;
    QTest::newRow("ID token as onboarding") << "JWT" << QStringList{"onboarding+jwt"} << false;
    QTest::newRow("access token as ID token") << "at+jwt" << QStringList{"JWT", ""} << false;
    QTest::newRow("absent, not allowed") << "" << QStringList{"onboarding+jwt"} << false;
    QTest::newRow("absent, allowed") << "" << QStringList{"JWT", ""} << true;
}

void TestJws::typeCheck()
{
    QFETCH(QString, typ);
    QFETCH(QStringList, accepted);
    QFETCH(bool, ok);
    QJsonObject header;
    if (!typ.isEmpty())
        header.insert(QLatin1String("typ"), typ);
    const QByteArray token = Jws::sign(header, {{QStringLiteral("a"), 1}}, m_ec);
    const auto result = Jws::verify(token, JwkSet({m_ec.publicKey()}), accepted);
    QCOMPARE(result.ok(), ok);
    if (!ok)
        QCOMPARE(result.error, Error::WrongType);
}

void TestJws::rejects_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<Error>("error");
    const QByteArray payload = R"({"sub":"u1"})";
    const QByteArray ecKid = m_ec.kid().toLatin1();
    const QByteArray good = Jws::sign({}, {{QStringLiteral("sub"), QStringLiteral("u1")}}, m_ec);
    const QList<QByteArray> parts = good.split('.');
    const QByteArray rawSig = *Base64Url::decode(parts.at(2));

    QTest::newRow("alg none") << craft(R"({"alg":"none"})", payload, {}) << Error::UnsupportedAlgorithm;
    // The classic confusion: HMAC keyed with the public key the verifier trusts.
    const QByteArray header = R"({"alg":"HS256","kid":")" + ecKid + "\"}";
    const QByteArray input = Base64Url::encode(header) + '.' + Base64Url::encode(payload);
    const QByteArray publicKey = QJsonDocument(m_ec.toPublicJson()).toJson(QJsonDocument::Compact);
    QTest::newRow("HS256 with the public key")
        << (input + '.'
            + Base64Url::encode(QMessageAuthenticationCode::hash(input, publicKey, QCryptographicHash::Sha256)))
        << Error::UnsupportedAlgorithm;
    QTest::newRow("RS256 header, EC key")
        << craft(R"({"alg":"RS256","kid":")" + ecKid + "\"}", payload, QByteArray(256, 'x'))
        << Error::AlgorithmKeyMismatch;
    QTest::newRow("unknown kid") << craft(R"({"alg":"ES256","kid":"nope"})", payload, rawSig) << Error::UnknownKey;
    QTest::newRow("crit header") << craft(R"({"alg":"ES256","crit":["exp"],"kid":")" + ecKid + "\"}", payload, rawSig)
                                 << Error::UnsupportedAlgorithm;
    QTest::newRow("bad base64 in header") << ("e30*." + parts.at(1) + '.' + parts.at(2)) << Error::Malformed;
    QTest::newRow("header not JSON") << craft("{alg:", payload, rawSig) << Error::Malformed;
    QTest::newRow("payload a JSON array") << craft(R"({"alg":"ES256"})", "[1]", rawSig) << Error::Malformed;
    QTest::newRow("two parts") << (parts.at(0) + '.' + parts.at(1)) << Error::Malformed;
    QTest::newRow("four parts") << (good + ".e30") << Error::Malformed;
    QTest::newRow("empty") << QByteArray() << Error::Malformed;
    QTest::newRow("over 16 KiB") << (good + QByteArray(16 * 1024, 'A')) << Error::TooLarge;
    QTest::newRow("ES256 signature 63 bytes")
        << (parts.at(0) + '.' + parts.at(1) + '.' + Base64Url::encode(rawSig.left(63))) << Error::BadSignature;
    QTest::newRow("ES256 signature in DER")
        << (parts.at(0) + '.' + parts.at(1) + '.' + Base64Url::encode(QByteArray(70, '\x30'))) << Error::BadSignature;
    QTest::newRow("payload changed") << (parts.at(0) + '.' + Base64Url::encode(R"({"sub":"u2"})") + '.' + parts.at(2))
                                     << Error::BadSignature;
    QTest::newRow("signed by another key") << Jws::sign({}, {{QStringLiteral("sub"), 1}}, [&] {
        Jwk other = Jwk::generate(Jwk::Type::EcP256);
        other.setKid(m_ec.kid());
        return other;
    }()) << Error::BadSignature;
}

void TestJws::rejects()
{
    QFETCH(QByteArray, token);
    QFETCH(Error, error);
    const auto result = Jws::verify(token, JwkSet({m_ec.publicKey(), m_rsa.publicKey()}), std::nullopt);
    QCOMPARE(result.error, error);
    QVERIFY(!result.message.isEmpty());
    QVERIFY(result.payload.isEmpty());
}

void TestJws::highSIsTheOtherForm()
{
    // (r, n - s) verifies under plain ECDSA: a second valid form of the same token.
    const JwkSet keys({m_ec.publicKey()});
    const QByteArray token = Jws::sign({{QStringLiteral("typ"), QStringLiteral("JWT")}}, {{QStringLiteral("sub"), 1}},
                                       m_ec);
    QVERIFY(Jws::verify(token, keys, QStringList{QStringLiteral("JWT")}).ok());
    const QByteArray twin = otherForm(token);
    QVERIFY(twin != token);
    const auto strict = Jws::verify(twin, keys, QStringList{QStringLiteral("JWT")});
    QCOMPARE(strict.error, Error::BadSignature);
    QVERIFY(strict.payload.isEmpty());
    QVERIFY(Jws::verify(twin, keys, QStringList{QStringLiteral("JWT")}, Jws::EcdsaForms::Either).ok());
}

void TestJws::everySignatureIsLowS()
{
    // OpenSSL picks s from either half; the signer must fold it into the low one.
    const JwkSet keys({m_ec.publicKey()});
    for (int i = 0; i < 64; ++i) {
        const QByteArray token = Jws::sign({}, {{QStringLiteral("i"), i}}, m_ec);
        QVERIFY2(Jws::verify(token, keys, std::nullopt).ok(), qPrintable(QString::number(i)));
    }
}

void TestJws::headerMemberTypes_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<Error>("error");
    QTest::newRow("typ a string") << QByteArray(R"("typ":"JWT")") << Error::None;
    QTest::newRow("typ absent") << QByteArray() << Error::None;
    QTest::newRow("typ a number") << QByteArray(R"("typ":1)") << Error::Malformed;
    QTest::newRow("typ null") << QByteArray(R"("typ":null)") << Error::Malformed;
    QTest::newRow("typ false") << QByteArray(R"("typ":false)") << Error::Malformed;
    QTest::newRow("typ an object") << QByteArray(R"("typ":{"typ":"JWT"})") << Error::Malformed;
    QTest::newRow("typ an array") << QByteArray(R"("typ":["JWT"])") << Error::Malformed;
    // A kid that is not a string is no reason to try the only key there is.
    QTest::newRow("kid a number") << QByteArray(R"("kid":7)") << Error::Malformed;
    QTest::newRow("kid null") << QByteArray(R"("kid":null)") << Error::Malformed;
}

void TestJws::headerMemberTypes()
{
    QFETCH(QByteArray, header);
    QFETCH(Error, error);
    // Signed for real, so only the member's type decides; JWT or no typ would do.
    QByteArray json = R"({"alg":"ES256")";
    if (!header.contains("\"kid\""))
        json += R"(,"kid":")" + m_ec.kid().toLatin1() + '"';
    if (!header.isEmpty())
        json += ',' + header;
    json += '}';
    const QByteArray token = Jws::signEncoded(Base64Url::encode(json), Base64Url::encode(R"({"sub":"u1"})"), m_ec);
    const auto result = Jws::verify(token, JwkSet({m_ec.publicKey()}), QStringList{QStringLiteral("JWT"), QString()});
    QCOMPARE(result.error, error);
    if (error != Error::None)
        QVERIFY(result.payload.isEmpty());
}

QTEST_GUILESS_MAIN(TestJws)
#include "TestJws.moc"
