#include "UiLogging.h"

Q_LOGGING_CATEGORY(lcUi, "latchkey.ui")
Q_LOGGING_CATEGORY(lcTerms, "latchkey.terms")
