#pragma once

#include <QString>

// What verified emails are compared by: Unicode case folding of the whole
// address, in C++, so SQLite and PostgreSQL compare the same way with plain
// equality. Full-width letters, ligatures and superscripts stay apart: they
// are other addresses.
namespace EmailKey {

inline QString of(const QString &email)
{
    return email.trimmed().toCaseFolded();
}

} // namespace EmailKey
