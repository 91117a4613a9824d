#include "Pkce.h"

#include <QSet>
#include <QTest>

class TestPkce : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rfc7636Example();
    void generatedVerifiersAreValidAndDistinct();
    void verifierRules_data();
    void verifierRules();
};

void TestPkce::rfc7636Example()
{
    // RFC 7636 appendix B.
    const QByteArray verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    QCOMPARE(Pkce::challengeFor(verifier), QByteArray("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    QVERIFY(Pkce::matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    QVERIFY(!Pkce::matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"));
}

void TestPkce::generatedVerifiersAreValidAndDistinct()
{
    QSet<QByteArray> seen;
    for (int i = 0; i < 100; ++i) {
        const QByteArray verifier = Pkce::generateVerifier();
        QVERIFY(Pkce::isValidVerifier(verifier));
        QVERIFY(!seen.contains(verifier));
        seen.insert(verifier);
    }
}

void TestPkce::verifierRules_data()
{
    QTest::addColumn<QByteArray>("verifier");
    QTest::addColumn<bool>("valid");
    QTest::newRow("43 chars") << QByteArray(43, 'a') << true;
    QTest::newRow("128 chars") << QByteArray(128, '~') << true;
    QTest::newRow("42 chars") << QByteArray(42, 'a') << false;
    QTest::newRow("129 chars") << QByteArray(129, 'a') << false;
    QTest::newRow("unreserved set") << QByteArray("abcXYZ019-._~abcXYZ019-._~abcXYZ019-._~abcX") << true;
    QTest::newRow("plus sign") << (QByteArray(42, 'a') + '+') << false;
    QTest::newRow("space") << (QByteArray(42, 'a') + ' ') << false;
}

void TestPkce::verifierRules()
{
    QFETCH(QByteArray, verifier);
    QFETCH(bool, valid);
    QCOMPARE(Pkce::isValidVerifier(verifier), valid);
}

QTEST_GUILESS_MAIN(TestPkce)
#include "TestPkce.moc"
