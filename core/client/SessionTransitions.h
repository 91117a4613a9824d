#pragma once

#include "SessionManager.h"

// The written table of which step may follow which (the diagram in
// SessionManager.h, as data). SessionManager::enter() asks it before every
// transition and refuses, logging a bug, one the table does not list.
class SessionTransitions
{
public:
    using Step = SessionManager::Step;

    static bool allowed(Step from, Step to);
    // Every step `from` may lead to, for tests and the log.
    static QList<Step> targets(Step from);
};
