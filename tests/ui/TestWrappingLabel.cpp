// WrappingLabel remembers heights: every change that moves the text must
// still give what a plain word-wrapped QLabel answers for the same state.

#include "WrappingLabel.h"

#include <QApplication>
#include <QTest>

namespace {
// A plain QLabel in the same state: what WrappingLabel must answer.
int expectedHeight(const QLabel &label, int width)
{
    QLabel plain(label.text());
    plain.setWordWrap(label.wordWrap());
    plain.setFont(label.font());
    plain.setMargin(label.margin());
    plain.setIndent(label.indent());
    plain.setAlignment(label.alignment());
    plain.setTextFormat(label.textFormat());
    plain.setContentsMargins(label.contentsMargins());
    return plain.heightForWidth(width);
}

const QString LongText = QStringLiteral("Sign in with an account you already have. Your browser opens for the "
                                        "sign-in itself; Latchkey never sees your password.");
} // namespace

class TestWrappingLabel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wrapsLikeQLabel_data();
    void wrapsLikeQLabel();
    void followsChanges_data();
    void followsChanges();
};

void TestWrappingLabel::wrapsLikeQLabel_data()
{
    QTest::addColumn<int>("width");
    for (const int width : {40, 120, 200, 400, 2000})
        QTest::addRow("%d px", width) << width;
}

void TestWrappingLabel::wrapsLikeQLabel()
{
    QFETCH(int, width);
    WrappingLabel label(LongText);
    QVERIFY(label.wordWrap());
    QVERIFY(label.hasHeightForWidth());
    const int expected = expectedHeight(label, width);
    QCOMPARE(label.heightForWidth(width), expected);
    QCOMPARE(label.heightForWidth(width), expected); // the remembered answer
}

void TestWrappingLabel::followsChanges_data()
{
    QTest::addColumn<int>("change");
    QTest::addRow("text") << 0;
    QTest::addRow("font") << 1;
    QTest::addRow("margin") << 2;
    QTest::addRow("indent") << 3;
    QTest::addRow("contents margins") << 4;
    QTest::addRow("word wrap off") << 5;
    QTest::addRow("more widths than remembered") << 6;
}

void TestWrappingLabel::followsChanges()
{
    QFETCH(int, change);
    const int width = 150;
    WrappingLabel label(LongText);
    const int before = label.heightForWidth(width);
    QFont bigger = label.font();
    switch (change) {
    case 0:
        label.setText(LongText + QLatin1Char(' ') + LongText);
        break;
    case 1:
        bigger.setPointSizeF(bigger.pointSizeF() * 2);
        label.setFont(bigger);
        break;
    case 2:
        label.setMargin(30);
        break;
    case 3:
        label.setIndent(60);
        break;
    case 4:
        label.setContentsMargins(0, 40, 0, 40);
        break;
    case 5:
        label.setWordWrap(false);
        break;
    case 6:
        for (int other = 60; other < 600; other += 37)
            label.heightForWidth(other);
        label.setText(LongText.left(20));
        break;
    }
    const int after = label.heightForWidth(width);
    QCOMPARE(after, expectedHeight(label, width));
    QVERIFY2(after != before, "the change should move the text");
}

QTEST_MAIN(TestWrappingLabel)
#include "TestWrappingLabel.moc"
