#pragma once

// `latchkey <subcommand>`: the command line in the app's binary. It runs
// with a QCoreApplication, so no display is needed (SSH, scripts), and
// reads the same options, settings, keychain and refresh lock as the app.
class CommandLine
{
public:
    // Whether argv names a subcommand (login, status, token, logout).
    static bool isSubcommand(int argc, char *argv[]);
    static int run(int argc, char *argv[], const char *version);
};
