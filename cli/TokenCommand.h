#pragma once

#include "Command.h"

// `latchkey token`: a valid access token on stdout and nothing else, for
// scripts (`curl -H "Authorization: Bearer $(latchkey token)"`); renewed
// first when it is about to run out, under the lock the app uses, so the app
// and any number of these renew once.
class TokenCommand : public Command
{
    Q_OBJECT
public:
    using Command::Command;
    void start() override;
};
