#include "ServerLogging.h"

Q_LOGGING_CATEGORY(lcServer, "latchkey.server")
Q_LOGGING_CATEGORY(lcRequest, "latchkey.request")
Q_LOGGING_CATEGORY(lcGuard, "latchkey.guard")
Q_LOGGING_CATEGORY(lcDatabase, "latchkey.database")
Q_LOGGING_CATEGORY(lcKeys, "latchkey.keys")
Q_LOGGING_CATEGORY(lcTokens, "latchkey.tokens")
Q_LOGGING_CATEGORY(lcUpstream, "latchkey.upstream")
Q_LOGGING_CATEGORY(lcQa, "latchkey.qa")
Q_LOGGING_CATEGORY(lcDevice, "latchkey.device")
