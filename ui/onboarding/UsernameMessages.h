#pragma once

#include "UsernameRules.h"

#include <QCoreApplication>
#include <QString>

// The username rules' reasons in words a person understands.
class UsernameMessages
{
    Q_DECLARE_TR_FUNCTIONS(UsernameMessages)
public:
    static QString describe(UsernameRules::Reason reason);
    static QString describeCode(const QString &code) { return describe(UsernameRules::reasonFromCode(code)); }
};
