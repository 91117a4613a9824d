#include "TermsLogging.h"

Q_LOGGING_CATEGORY(lcTerms, "latchkey.terms")
