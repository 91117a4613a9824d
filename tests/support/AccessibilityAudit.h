#pragma once

#include <QStringList>
#include <QTest>

class QWidget;

// What a keyboard or screen-reader user meets in a window, checked the way
// they meet it: every visible control that can take focus has a name through
// QAccessible (the interface assistive technology reads), and Tab, pressed
// from the focused control, reaches every one of them.
class AccessibilityAudit
{
public:
    // Both checks below: each problem as a sentence, none when all is well.
    static QStringList problems(QWidget *window);

    static QStringList unnamedControls(QWidget *window);
    // Presses Tab until focus comes back around; lists the controls it never
    // reached. Activates the window first.
    static QStringList unreachableByTab(QWidget *window);
};

// In a test function: fails it with every problem found in `window`.
#define LATCHKEY_VERIFY_ACCESSIBLE(window) \
    do { \
        const QStringList latchkeyProblems = AccessibilityAudit::problems(window); \
        QVERIFY2(latchkeyProblems.isEmpty(), qPrintable(latchkeyProblems.join(QLatin1Char('\n')))); \
    } while (false)
