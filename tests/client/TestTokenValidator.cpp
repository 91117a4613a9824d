#include "Base64Url.h"
#include "Jws.h"
#include "Protocol.h"
#include "TokenValidator.h"

#include <QJsonArray>

#include <QTest>

using Error = TokenValidator::Error;

namespace {
const QString Issuer = QStringLiteral("https://id.example.org");
const QString Client = QStringLiteral("latchkey-desktop");
constexpr qint64 Now = 1'800'000'000;
} // namespace

class TestTokenValidator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void idToken_data();
    void idToken();
    void onboardingToken_data();
    void onboardingToken();
    void highSFromAnotherIssuer();
    void refreshedIdToken_data();
    void refreshedIdToken();

private:
    QString sign(const QJsonObject &claims, const QString &typ, const Jwk &key) const;
    QJsonObject baseClaims() const;

    Jwk m_key;
    Jwk m_foreign;
    JwkSet m_keys;
};

void TestTokenValidator::initTestCase()
{
    m_key = Jwk::generate(Jwk::Type::EcP256);
    m_foreign = Jwk::generate(Jwk::Type::EcP256);
    m_foreign.setKid(m_key.kid()); // same kid, other key: a forgery
    m_keys = JwkSet({m_key.publicKey()});
}

QString TestTokenValidator::sign(const QJsonObject &claims, const QString &typ, const Jwk &key) const
{
    QJsonObject header;
    if (!typ.isEmpty())
        header.insert("typ", typ);
    return QString::fromLatin1(Jws::sign(header, claims, key));
}

QJsonObject TestTokenValidator::baseClaims() const
{
    return {{"iss", Issuer}, {"aud", Client}, {"sub", "u1"}, {"iat", double(Now)}, {"exp", double(Now + 600)},
            {"nonce", "n-1"}};
}

void TestTokenValidator::idToken_data()
{
    QTest::addColumn<QJsonObject>("claims");
    QTest::addColumn<QString>("typ");
    QTest::addColumn<bool>("foreignKey");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<QString>("nonce");
    QTest::addColumn<Error>("error");
    auto with = [this](const char *key, const QJsonValue &value) {
        QJsonObject c = baseClaims();
        if (value.isUndefined())
            c.remove(key);
        else
            c.insert(key, value);
        return c;
    };
    const QJsonObject base = baseClaims();
    QTest::newRow("valid") << base << "JWT" << false << Now << "n-1" << Error::None;
    QTest::newRow("valid without typ (standard providers)") << base << "" << false << Now << "n-1" << Error::None;
    QTest::newRow("refresh: nonce not checked")
        << with("nonce", QJsonValue::Undefined) << "JWT" << false << Now << "" << Error::None;
    QTest::newRow("within leeway after exp") << base << "JWT" << false << Now + 600 + 60 << "n-1" << Error::None;
    QTest::newRow("past leeway") << base << "JWT" << false << Now + 600 + 61 << "n-1" << Error::Expired;
    QTest::newRow("iat in the future") << base << "JWT" << false << Now - 61 << "n-1" << Error::IssuedInFuture;
    QTest::newRow("iat slightly ahead is fine") << base << "JWT" << false << Now - 60 << "n-1" << Error::None;
    QTest::newRow("wrong nonce") << base << "JWT" << false << Now << "n-2" << Error::Nonce;
    QTest::newRow("missing nonce") << with("nonce", QJsonValue::Undefined) << "JWT" << false << Now << "n-1"
                                   << Error::Nonce;
    QTest::newRow("wrong issuer") << with("iss", "https://evil.example") << "JWT" << false << Now << "n-1"
                                  << Error::Issuer;
    QTest::newRow("wrong audience") << with("aud", "other-app") << "JWT" << false << Now << "n-1" << Error::Audience;
    QTest::newRow("audience list with us, azp us") << [&] {
        QJsonObject c = with("aud", QJsonArray({Client, QStringLiteral("api")}));
        c.insert("azp", Client);
        return c;
    }() << "JWT" << false << Now << "n-1" << Error::None;
    QTest::newRow("audience list, azp other") << with("aud", QJsonArray({Client, QStringLiteral("api")})) << "JWT"
                                              << false << Now << "n-1" << Error::Audience;
    QTest::newRow("missing exp") << with("exp", QJsonValue::Undefined) << "JWT" << false << Now << "n-1"
                                 << Error::MissingClaim;
    QTest::newRow("missing sub") << with("sub", QJsonValue::Undefined) << "JWT" << false << Now << "n-1"
                                 << Error::MissingClaim;
    QTest::newRow("access token as ID token") << base << "at+jwt" << false << Now << "n-1" << Error::WrongType;
    QTest::newRow("onboarding token as ID token")
        << base << "onboarding+jwt" << false << Now << "n-1" << Error::WrongType;
    QTest::newRow("forged signature") << base << "JWT" << true << Now << "n-1" << Error::Signature;
    // Out of any sane range: rejected, never saturated into a time that
    // passes, and without a float-to-integer or subtraction overflow (UBSan).
    constexpr double minInt64 = -9223372036854775808.0; // -2^63
    QTest::newRow("iat = -2^63") << with("iat", minInt64) << "JWT" << false << Now << "n-1" << Error::Malformed;
    QTest::newRow("exp = 1e300") << with("exp", 1e300) << "JWT" << false << Now << "n-1" << Error::Malformed;
    QTest::newRow("exp = -2^63") << with("exp", minInt64) << "JWT" << false << Now << "n-1" << Error::Malformed;
    QTest::newRow("iat = 1e300") << with("iat", 1e300) << "JWT" << false << Now << "n-1" << Error::Malformed;
    QTest::newRow("iat = -1") << with("iat", -1) << "JWT" << false << Now << "n-1" << Error::Malformed;
    QTest::newRow("exp in year 10000") << with("exp", 253402300800.0) << "JWT" << false << Now << "n-1"
                                       << Error::Malformed;
    QTest::newRow("exp at the end of 9999")
        << with("exp", 253402300799.0) << "JWT" << false << Now << "n-1" << Error::None;
}

void TestTokenValidator::idToken()
{
    QFETCH(QJsonObject, claims);
    QFETCH(QString, typ);
    QFETCH(bool, foreignKey);
    QFETCH(qint64, now);
    QFETCH(QString, nonce);
    QFETCH(Error, error);
    const TokenValidator validator(Issuer, Client, [now] { return now; });
    const auto result = validator.validateIdToken(sign(claims, typ, foreignKey ? m_foreign : m_key), m_keys, nonce);
    QCOMPARE(result.error, error);
    QCOMPARE(result.ok(), error == Error::None);
    if (result.ok())
        QCOMPARE(result.claims.value("sub").toString(), QStringLiteral("u1"));
    else
        QVERIFY(result.claims.isEmpty()); // nothing to prefill from a token that failed
}

void TestTokenValidator::onboardingToken_data()
{
    QTest::addColumn<QString>("typ");
    QTest::addColumn<bool>("foreignKey");
    QTest::addColumn<bool>("unknownKid");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<QString>("nonce");
    QTest::addColumn<Error>("error");
    QTest::newRow("valid") << "onboarding+jwt" << false << false << Now << "n-1" << Error::None;
    QTest::newRow("ID token presented") << "JWT" << false << false << Now << "n-1" << Error::WrongType;
    QTest::newRow("no typ") << "" << false << false << Now << "n-1" << Error::WrongType;
    QTest::newRow("signed by a foreign key") << "onboarding+jwt" << true << false << Now << "n-1" << Error::Signature;
    QTest::newRow("unknown kid") << "onboarding+jwt" << false << true << Now << "n-1" << Error::UnknownKey;
    QTest::newRow("expired") << "onboarding+jwt" << false << false << Now + 661 << "n-1" << Error::Expired;
    QTest::newRow("other sign-in's nonce") << "onboarding+jwt" << false << false << Now << "n-9" << Error::Nonce;
    QTest::newRow("nonce never skipped") << "onboarding+jwt" << false << false << Now << "" << Error::Nonce;
}

void TestTokenValidator::onboardingToken()
{
    QFETCH(QString, typ);
    QFETCH(bool, foreignKey);
    QFETCH(bool, unknownKid);
    QFETCH(qint64, now);
    QFETCH(QString, nonce);
    QFETCH(Error, error);
    QJsonObject claims = baseClaims();
    claims.remove("sub");
    claims.insert("provider", "GitHub");
    claims.insert("email", "a@example.org");
    Jwk key = foreignKey ? m_foreign : m_key;
    if (unknownKid) {
        key = Jwk::generate(Jwk::Type::EcP256);
    }
    const TokenValidator validator(Issuer, Client, [now] { return now; });
    const auto result = validator.validateOnboardingToken(sign(claims, typ, key), m_keys, nonce);
    QCOMPARE(result.error, error);
    if (result.ok())
        QCOMPARE(result.claims.value("provider").toString(), QStringLiteral("GitHub"));
}

void TestTokenValidator::highSFromAnotherIssuer()
{
    // Other issuers (Keycloak, Node, the RFC 7515 example) sign ES256 with s
    // in either half; half of their tokens must not fail at random. Only the
    // server's own tokens are held to low s (TestJws).
    const QByteArray token = sign(baseClaims(), QStringLiteral("JWT"), m_key).toLatin1();
    const qsizetype dot = token.lastIndexOf('.');
    QByteArray signature = *Base64Url::decode(token.mid(dot + 1));
    const QByteArray order = QByteArray::fromHex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
    int borrow = 0;
    for (int i = 31; i >= 0; --i) { // s := n - s
        const int digit = quint8(order.at(i)) - quint8(signature.at(32 + i)) - borrow;
        borrow = digit < 0 ? 1 : 0;
        signature[32 + i] = char(quint8(digit + 256 * borrow));
    }
    const QString twin = QString::fromLatin1(token.left(dot + 1) + Base64Url::encode(signature));
    QCOMPARE(Jws::verify(twin.toLatin1(), m_keys, std::nullopt).error, Jws::Error::BadSignature);
    const TokenValidator validator(Issuer, Client, [] { return Now; });
    const auto result = validator.validateIdToken(twin, m_keys, QStringLiteral("n-1"));
    QVERIFY2(result.ok(), qPrintable(result.message));
}

void TestTokenValidator::refreshedIdToken_data()
{
    QTest::addColumn<QJsonObject>("claims");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<Error>("error");
    QJsonObject noNonce = baseClaims();
    noNonce.remove("nonce");
    auto with = [&noNonce](const char *key, const QJsonValue &value) {
        QJsonObject c = noNonce;
        c.insert(key, value);
        return c;
    };
    QTest::newRow("same subject, no nonce") << noNonce << "u1" << Error::None;
    QTest::newRow("another subject") << noNonce << "u2" << Error::Subject;
    QTest::newRow("wrong issuer") << with("iss", "https://evil.example") << "u1" << Error::Issuer;
    QTest::newRow("wrong audience") << with("aud", "other-app") << "u1" << Error::Audience;
    QTest::newRow("expired") << with("exp", double(Now - 3600)) << "u1" << Error::Expired;
}

void TestTokenValidator::refreshedIdToken()
{
    QFETCH(QJsonObject, claims);
    QFETCH(QString, subject);
    QFETCH(Error, error);
    const TokenValidator validator(Issuer, Client, [] { return Now; });
    QCOMPARE(validator.validateRefreshedIdToken(sign(claims, "JWT", m_key), m_keys, subject).error, error);
    QCOMPARE(validator.validateRefreshedIdToken(sign(claims, "JWT", m_foreign), m_keys, subject).error,
             Error::Signature);
}

QTEST_GUILESS_MAIN(TestTokenValidator)
#include "TestTokenValidator.moc"
