#pragma once

#include "Command.h"

// `latchkey status [--json]`: whether someone is signed in, who, with which
// provider at which server, until when the access token lasts and whether it
// renews. Exit status 0 when signed in, 1 when not.
class StatusCommand : public Command
{
    Q_OBJECT
public:
    StatusCommand(SessionManager *session, TokenVault *vault, Terminal *terminal, bool json,
                  QObject *parent = nullptr);
    void start() override;

private:
    void printText();
    void printJson();

    bool m_json;
};
