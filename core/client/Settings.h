#pragma once

#include "Protocol.h"
#include "SettingValue.h"

// Every key the client keeps in QSettings, with its type and default: the
// only place a key is spelled. The keys are what earlier versions stored;
// renaming one would lose that setting for every user.
namespace Settings {

// The server signed in to, and as which client (the settings dialog writes them).
inline const SettingValue<QString> Issuer{QStringLiteral("server/issuer"), QStringLiteral("http://127.0.0.1:8765")};
inline const SettingValue<QString> ClientId{QStringLiteral("server/clientId"), QLatin1String(Protocol::DefaultClientId)};
// "program args %u"; empty: the system browser.
inline const SettingValue<QString> BrowserCommand{QStringLiteral("browser/command")};

// The account last signed in here: facts only, the tokens are in the keychain.
inline const QString AccountGroup = QStringLiteral("account");
inline const SettingValue<QString> AccountIssuer{QStringLiteral("account/issuer")};
inline const SettingValue<QString> AccountSubject{QStringLiteral("account/subject")};
inline const SettingValue<QString> AccountName{QStringLiteral("account/name")};
inline const SettingValue<QString> AccountUsername{QStringLiteral("account/username")};
inline const SettingValue<QString> AccountEmail{QStringLiteral("account/email")};
inline const SettingValue<bool> AccountEmailVerified{QStringLiteral("account/emailVerified"), false};
inline const SettingValue<QString> AccountProvider{QStringLiteral("account/provider")};

// Set by a sign-out, cleared by the next sign-in that works: that sign-in
// sends prompt=select_account (PROTOCOL.md 8), also after a restart.
inline const SettingValue<bool> SelectAccountNext{QStringLiteral("signIn/selectAccount"), false};

} // namespace Settings
