#pragma once

#include <QObject>
#include <QString>

// The username rules of PROTOCOL.md 6.2, the one implementation shared by the
// client's instant feedback and the server's verdict.
class UsernameRules
{
    Q_GADGET
public:
    enum class Reason {
        Ok,
        TooShort,
        TooLong,
        InvalidCharacter,
        MustStartWithLetter,
        MustEndAlphanumeric,
        ConsecutiveSeparators,
        Reserved,
        Taken, // decided by the server only; here for the stable code
    };
    Q_ENUM(Reason)

    static constexpr int MinLength = 3;
    static constexpr int MaxLength = 30;

    // The first rule `username` breaks, in the order of PROTOCOL.md 6.2.
    // Checks the text as given: callers lowercase first (see normalizeInput).
    static Reason check(const QString &username);
    static bool isValid(const QString &username) { return check(username) == Reason::Ok; }

    // The stable reason code of PROTOCOL.md ("too_short", ...); empty for Ok.
    static QString reasonCode(Reason reason);
    static Reason reasonFromCode(const QString &code);

    // What the client does while the user types: lowercase ASCII letters.
    static QString normalizeInput(const QString &typed);

    // Turns free text (a display name, an email's local part) into the
    // closest valid username, or an empty string when nothing usable is left.
    static QString fromFreeText(const QString &text);

    static bool isReserved(const QString &username);
};
