#pragma once

#include <QLoggingCategory>

// The server's logging categories, declared once (docs/server.md, "Logging",
// lists them for QT_LOGGING_RULES).
Q_DECLARE_LOGGING_CATEGORY(lcServer)   // latchkey.server: start-up, keys reloaded, maintenance
Q_DECLARE_LOGGING_CATEGORY(lcRequest)  // latchkey.request: one line per request
Q_DECLARE_LOGGING_CATEGORY(lcGuard)    // latchkey.guard: connections and requests refused
Q_DECLARE_LOGGING_CATEGORY(lcDatabase) // latchkey.database: connection, statements, disk
Q_DECLARE_LOGGING_CATEGORY(lcKeys)     // latchkey.keys: signing keys
Q_DECLARE_LOGGING_CATEGORY(lcTokens)   // latchkey.tokens: codes, sessions, refresh grace
Q_DECLARE_LOGGING_CATEGORY(lcUpstream) // latchkey.upstream: upstream providers
Q_DECLARE_LOGGING_CATEGORY(lcQa)       // latchkey.qa: QA mode's simulated providers and faults
Q_DECLARE_LOGGING_CATEGORY(lcDevice)   // latchkey.device: device authorization grants (RFC 8628)
