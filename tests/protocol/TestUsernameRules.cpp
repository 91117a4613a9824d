#include "UsernameRules.h"

#include <QTest>

using Reason = UsernameRules::Reason;

class TestUsernameRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void check_data();
    void check();
    void codesAreStable_data();
    void codesAreStable();
    void normalizeInput();
    void fromFreeText_data();
    void fromFreeText();
};

void TestUsernameRules::check_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<Reason>("reason");
    QTest::newRow("plain") << "alice" << Reason::Ok;
    QTest::newRow("with separators") << "alice_w.b-c" << Reason::Ok;
    QTest::newRow("digits inside and at end") << "a1b2c3" << Reason::Ok;
    QTest::newRow("exactly 3") << "abc" << Reason::Ok;
    QTest::newRow("exactly 30") << QString(30, u'a') << Reason::Ok;
    QTest::newRow("empty") << "" << Reason::TooShort;
    QTest::newRow("2 chars") << "ab" << Reason::TooShort;
    QTest::newRow("31 chars") << QString(31, u'a') << Reason::TooLong;
    QTest::newRow("uppercase") << "Alice" << Reason::InvalidCharacter;
    QTest::newRow("space") << "ali ce" << Reason::InvalidCharacter;
    QTest::newRow("non-ASCII letter") << QStringLiteral("jürgen") << Reason::InvalidCharacter;
    QTest::newRow("at sign") << "a@b.c" << Reason::InvalidCharacter;
    QTest::newRow("starts with digit") << "1alice" << Reason::MustStartWithLetter;
    QTest::newRow("starts with separator") << "_alice" << Reason::MustStartWithLetter;
    QTest::newRow("ends with separator") << "alice." << Reason::MustEndAlphanumeric;
    QTest::newRow("two separators") << "al__ice" << Reason::ConsecutiveSeparators;
    QTest::newRow("mixed separators") << "al.-ice" << Reason::ConsecutiveSeparators;
    QTest::newRow("reserved admin") << "admin" << Reason::Reserved;
    QTest::newRow("reserved latchkey") << "latchkey" << Reason::Reserved;
    QTest::newRow("reserved undefined") << "undefined" << Reason::Reserved;
    QTest::newRow("not reserved: admin1") << "admin1" << Reason::Ok;
}

void TestUsernameRules::check()
{
    QFETCH(QString, username);
    QFETCH(Reason, reason);
    QCOMPARE(UsernameRules::check(username), reason);
}

void TestUsernameRules::codesAreStable_data()
{
    QTest::addColumn<Reason>("reason");
    QTest::addColumn<QString>("code");
    QTest::newRow("too_short") << Reason::TooShort << "too_short";
    QTest::newRow("too_long") << Reason::TooLong << "too_long";
    QTest::newRow("invalid_character") << Reason::InvalidCharacter << "invalid_character";
    QTest::newRow("must_start_with_letter") << Reason::MustStartWithLetter << "must_start_with_letter";
    QTest::newRow("must_end_alphanumeric") << Reason::MustEndAlphanumeric << "must_end_alphanumeric";
    QTest::newRow("consecutive_separators") << Reason::ConsecutiveSeparators << "consecutive_separators";
    QTest::newRow("reserved") << Reason::Reserved << "reserved";
    QTest::newRow("taken") << Reason::Taken << "taken";
}

void TestUsernameRules::codesAreStable()
{
    QFETCH(Reason, reason);
    QFETCH(QString, code);
    QCOMPARE(UsernameRules::reasonCode(reason), code);
    QCOMPARE(UsernameRules::reasonFromCode(code), reason);
}

void TestUsernameRules::normalizeInput()
{
    QCOMPARE(UsernameRules::normalizeInput(QStringLiteral("AliCE_W")), QStringLiteral("alice_w"));
    // Only ASCII is folded: "İ" must not become "i̇" and slip past the rules.
    QCOMPARE(UsernameRules::normalizeInput(QStringLiteral("İ")), QStringLiteral("İ"));
}

void TestUsernameRules::fromFreeText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("username");
    QTest::newRow("display name") << "Alice Wong"
                                  << "alice.wong";
    QTest::newRow("accents") << QStringLiteral("Zoë Ñúñez") << "zoe.nunez";
    QTest::newRow("letters without decomposition")
        << QStringLiteral("Großmann Søren Łukasz") << "grossmann.soren.lukasz";
    QTest::newRow("email local part") << "alice_w"
                                      << "alice_w";
    QTest::newRow("leading digits dropped") << "42 Alice"
                                            << "alice";
    QTest::newRow("separators collapse") << "a -- b"
                                         << "a.b";
    QTest::newRow("only symbols") << QStringLiteral("李小龍 ✨") << "";
    QTest::newRow("too short") << "Al"
                               << "";
    QTest::newRow("truncated to 30") << QString(40, u'x') << QString(30, u'x');
    QTest::newRow("reserved kept for numbering") << "Admin"
                                                 << "admin";
}

void TestUsernameRules::fromFreeText()
{
    QFETCH(QString, text);
    QFETCH(QString, username);
    QCOMPARE(UsernameRules::fromFreeText(text), username);
}

QTEST_GUILESS_MAIN(TestUsernameRules)
#include "TestUsernameRules.moc"
