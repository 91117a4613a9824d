#include "UsernameMessages.h"

#include <QCoreApplication>

QString UsernameMessages::describe(UsernameRules::Reason reason)
{
    using Reason = UsernameRules::Reason;
    switch (reason) {
    case Reason::Ok:
        return {};
    case Reason::TooShort:
        return tr("Use at least 3 characters.");
    case Reason::TooLong:
        return tr("Use at most 30 characters.");
    case Reason::InvalidCharacter:
        return tr("Use only lowercase letters, digits and the separators . _ -");
    case Reason::MustStartWithLetter:
        return tr("Start with a letter.");
    case Reason::MustEndAlphanumeric:
        return tr("End with a letter or a digit.");
    case Reason::ConsecutiveSeparators:
        return tr("Don't put two separators (. _ -) next to each other.");
    case Reason::Reserved:
        return tr("This name is reserved.");
    case Reason::Taken:
        return tr("Someone already has this username.");
    }
    return {};
}
