#pragma once

#include "Result.h"

#include <QString>
#include <QTest>

// A failed Result's description, for a test's failure message; empty when it succeeded.
template<typename T>
QString errorOf(const Result<T> &result)
{
    return result ? QString() : result.error().description;
}

// QVERIFY for a Result: on failure the message is the error's description,
// which QVERIFY alone would not show.
#define QVERIFY_OK(expression) \
    do { \
        const auto &latchkeyResult_ = (expression); \
        QVERIFY2(latchkeyResult_.ok(), qPrintable(errorOf(latchkeyResult_))); \
    } while (false)
