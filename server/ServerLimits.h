#pragma once

#include "Result.h"

#include <QString>

struct ServerConfig;

// The limits of `--limit name=N` (docs/limits.md): each name with its unit,
// its range and the ServerConfig field it sets. Sizes are in bytes and
// times in seconds on the command line, whatever unit the field keeps.
class ServerLimits
{
public:
    // Sets the limit `text` ("name=N") names; the error says what was wrong
    // in words for the operator, naming the known names or the name's range.
    static Result<void> apply(const QString &text, ServerConfig &config);
    // "connections-per-address (32), connections (512), ...": the names with their defaults.
    static QString namesWithDefaults();
};
