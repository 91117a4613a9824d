#pragma once

#include "LatchkeyStyle.h"

#include <QApplication>
#include <QTest>

// QTEST_MAIN for the app's windows: the application is set up as
// app/main.cpp sets it up (LatchkeyStyle before any widget), so the tests see
// what people see.
#define LATCHKEY_UI_TEST_MAIN(TestClass) \
    int main(int argc, char *argv[]) \
    { \
        QApplication app(argc, argv); \
        QApplication::setStyle(new LatchkeyStyle); \
        TestClass test; \
        QTEST_SET_MAIN_SOURCE_PATH \
        return QTest::qExec(&test, argc, argv); \
    }
