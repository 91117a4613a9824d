#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcTerms) // latchkey.terms: the terms view and its helper process
