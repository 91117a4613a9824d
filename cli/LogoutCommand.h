#pragma once

#include "Command.h"

// `latchkey logout`: revokes the session at the server (best effort), and
// removes it from the keychain, for the app too.
class LogoutCommand : public Command
{
    Q_OBJECT
public:
    using Command::Command;
    void start() override;
};
