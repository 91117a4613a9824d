#include "AccessibilityAudit.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QSet>
#include <QTest>

namespace {

// The controls a person operates; containers and labels are not asked for names.
bool isControl(const QWidget *widget)
{
    return qobject_cast<const QAbstractButton *>(widget) || qobject_cast<const QLineEdit *>(widget)
        || qobject_cast<const QComboBox *>(widget) || qobject_cast<const QAbstractSpinBox *>(widget);
}

// Every control a person can see and use; one that refuses focus fails the
// Tab check, since a keyboard user could never operate it.
QList<QWidget *> usableControls(QWidget *window)
{
    QList<QWidget *> controls;
    for (QWidget *widget : window->findChildren<QWidget *>()) {
        if (isControl(widget) && widget->isVisibleTo(window) && widget->isEnabled())
            controls.append(widget);
    }
    return controls;
}

QString describe(const QWidget *widget)
{
    return QStringLiteral("%1 \"%2\"")
        .arg(QString::fromLatin1(widget->metaObject()->className()),
             widget->objectName().isEmpty() ? QStringLiteral("(no objectName)") : widget->objectName());
}

} // namespace

QStringList AccessibilityAudit::problems(QWidget *window)
{
    return unnamedControls(window) + unreachableByTab(window);
}

QStringList AccessibilityAudit::unnamedControls(QWidget *window)
{
    QStringList problems;
    for (QWidget *control : usableControls(window)) {
        QAccessibleInterface *face = QAccessible::queryAccessibleInterface(control);
        if (!face || face->text(QAccessible::Name).trimmed().isEmpty())
            problems << QStringLiteral("%1 has no accessible name").arg(describe(control));
    }
    return problems;
}

QStringList AccessibilityAudit::unreachableByTab(QWidget *window)
{
    window->activateWindow();
    if (!QTest::qWaitForWindowActive(window))
        return {QStringLiteral("%1 never became the active window").arg(describe(window))};
    const auto focusInside = [window] {
        const QWidget *focused = QApplication::focusWidget();
        return focused && focused->isVisible() && window->isAncestorOf(focused);
    };
    if (!QTest::qWaitFor(focusInside, 1000))
        return {QStringLiteral("nothing in %1 has keyboard focus").arg(describe(window))};
    QWidget *first = QApplication::focusWidget();
    // A web view keeps focus while Tab walks the links of its page, so the
    // same widget may come several times; a full cycle ends back at the start.
    // Only what Tab itself lands on counts: focus placed by the program (the
    // start) must come back around too.
    QSet<QWidget *> reached;
    QWidget *current = first;
    for (int presses = 0; presses < 100; ++presses) {
        QTest::keyClick(current, Qt::Key_Tab);
        if (!isControl(current)) {
            // Embedded content (a web view) answers Tab asynchronously: it
            // walks its own links first, then hands focus back to the window.
            const bool left = QTest::qWaitFor([previous = current] { return QApplication::focusWidget() != previous; },
                                              300);
            Q_UNUSED(left) // staying is fine: the content moved focus among its own links
        }
        current = QApplication::focusWidget();
        if (!current)
            break;
        reached.insert(current);
        if (current == first)
            break;
    }
    QStringList problems;
    for (QWidget *control : usableControls(window)) {
        if (!reached.contains(control))
            problems << QStringLiteral("%1 is never reached with Tab").arg(describe(control));
    }
    return problems;
}
