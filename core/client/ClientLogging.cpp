#include "ClientLogging.h"

Q_LOGGING_CATEGORY(lcSession, "latchkey.session")
Q_LOGGING_CATEGORY(lcLoopback, "latchkey.loopback")
Q_LOGGING_CATEGORY(lcVault, "latchkey.vault")
Q_LOGGING_CATEGORY(lcHttp, "latchkey.http")
Q_LOGGING_CATEGORY(lcDiscovery, "latchkey.discovery")
Q_LOGGING_CATEGORY(lcOnboarding, "latchkey.onboarding")
Q_LOGGING_CATEGORY(lcProxy, "latchkey.proxy")
