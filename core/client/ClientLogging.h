#pragma once

#include <QLoggingCategory>

// Every logging category of the client core, declared here and nowhere else
// (the windows' own are in ui/common/UiLogging.h).
// `latchkey --verbose` turns on their debug output. Nothing logged under
// them carries a token, code, verifier, state or password.
Q_DECLARE_LOGGING_CATEGORY(lcSession)    // latchkey.session: steps and outcomes
Q_DECLARE_LOGGING_CATEGORY(lcLoopback)   // latchkey.loopback: the redirect listener
Q_DECLARE_LOGGING_CATEGORY(lcVault)      // latchkey.vault: the keychain
Q_DECLARE_LOGGING_CATEGORY(lcHttp)       // latchkey.http: network calls
Q_DECLARE_LOGGING_CATEGORY(lcDiscovery)  // latchkey.discovery: provider metadata and keys
Q_DECLARE_LOGGING_CATEGORY(lcOnboarding) // latchkey.onboarding: registration calls
Q_DECLARE_LOGGING_CATEGORY(lcProxy)      // latchkey.proxy: the proxy in use and its credentials (never a password)
