#include "LogText.h"

#include <QTest>

// Other parties' text in log lines: one line, nothing invisible, bounded.
class TestLogText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void escapes_data();
    void escapes();
};

void TestLogText::escapes_data()
{
    QTest::addColumn<QString>("untrusted");
    QTest::addColumn<int>("max");
    QTest::addColumn<QString>("logged");
    const QString forged = "https://sso.example.org\n2026-12-07T00:00:00.000Z info latchkey.request: GET /admin 200";
    QTest::newRow("plain text unchanged")
        << "invalid_scope (The scope bogus is unknown)" << 200 << "invalid_scope (The scope bogus is unknown)";
    QTest::newRow("letters beyond ASCII and emoji unchanged") << "Zoë Ångström 北京 😀" << 200 << "Zoë Ångström 北京 😀";
    QTest::newRow("newline") << forged << 200
                             << "https://sso.example.org\\n2026-12-07T00:00:00.000Z info latchkey.request: GET /admin "
                                "200";
    QTest::newRow("carriage return") << "a\rb" << 200 << "a\\rb";
    QTest::newRow("tab") << "a\tb" << 200 << "a\\tb";
    QTest::newRow("NUL") << QString("a") + QChar(0) + "b" << 200 << "a\\u0000b";
    QTest::newRow("DEL and C1 next line") << QString("a\x7f") + QChar(0x85) << 200 << "a\\u007F\\u0085";
    QTest::newRow("line separator U+2028") << QString("a") + QChar(0x2028) + "b" << 200 << "a\\u2028b";
    QTest::newRow("paragraph separator U+2029") << QString("a") + QChar(0x2029) + "b" << 200 << "a\\u2029b";
    QTest::newRow("bidi override U+202E") << QString("evil") + QChar(0x202E) + "gnp.exe" << 200 << "evil\\u202Egnp.exe";
    QTest::newRow("zero-width space U+200B") << QString("ad") + QChar(0x200B) + "min" << 200 << "ad\\u200Bmin";
    QTest::newRow("ANSI escape") << "\x1b[31mred\x1b[0m" << 200 << "\\u001B[31mred\\u001B[0m";
    QTest::newRow("format character beyond the BMP")
        << QString("a") + QString::fromUcs4(U"\U000E0001") << 200 << "a\\U000E0001";
    QTest::newRow("lone surrogate") << QString("a") + QChar(0xD800) + "b" << 200 << "a\\uD800b";
    QTest::newRow("backslash doubled: no escape can be faked") << "a\\nb" << 200 << "a\\\\nb";
    QTest::newRow("very long text") << QString(10000, u'x') << 200 << QString(200, u'x') + QChar(0x2026);
    QTest::newRow("exactly the limit") << QString(200, u'x') << 200 << QString(200, u'x');
    QTest::newRow("an escape is not cut at the limit") << QString(9, u'x') + "\n"
                                                       << 10 << QString(9, u'x') + QChar(0x2026);
    QTest::newRow("a pair is not cut at the limit") << QString(9, u'x') + "😀" << 10 << QString(9, u'x') + QChar(0x2026);
    QTest::newRow("empty") << QString() << 200 << QString();
}

void TestLogText::escapes()
{
    QFETCH(QString, untrusted);
    QFETCH(int, max);
    QFETCH(QString, logged);
    const QString out = logText(untrusted, max);
    QCOMPARE(out, logged);
    QVERIFY(out.size() <= max + 1);
    for (const QChar c : out) {
        QVERIFY2(c.category() != QChar::Other_Control && c.category() != QChar::Other_Format
                     && c.category() != QChar::Separator_Line && c.category() != QChar::Separator_Paragraph,
                 qPrintable(QString::number(c.unicode(), 16)));
    }
}

QTEST_GUILESS_MAIN(TestLogText)
#include "TestLogText.moc"
