#pragma once

#include <QLoggingCategory>

// The logging categories of the windows, declared here and nowhere else
// (the client core's are in ClientLogging.h). `latchkey --verbose` turns on
// their debug output too.
Q_DECLARE_LOGGING_CATEGORY(lcUi)    // latchkey.ui: the windows
Q_DECLARE_LOGGING_CATEGORY(lcTerms) // latchkey.terms: the terms view and its helper process
