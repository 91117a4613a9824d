#pragma once

#include "ClientConfig.h"

#include <QCommandLineOption>
#include <QList>

class QCommandLineParser;
class QSettings;

// The options that say which server and how to reach it, defined once for
// the windows and every subcommand (`latchkey token --issuer URL`).
class ClientOptions
{
public:
    ClientOptions();

    QList<QCommandLineOption> all() const;
    // The config the options (else the settings) name, with the lock file
    // every running instance shares.
    ClientConfig config(const QCommandLineParser &parser, const QSettings &settings) const;
    // --verbose: every latchkey.* category down to debug.
    void applyLogging(const QCommandLineParser &parser) const;
    // The system's proxy configuration, or --proxy; false (after saying why
    // on stderr) for a value that cannot be used.
    bool applyProxy(const QCommandLineParser &parser) const;

private:
    QCommandLineOption m_issuer;
    QCommandLineOption m_clientId;
    QCommandLineOption m_browser;
    QCommandLineOption m_proxy;
    QCommandLineOption m_verbose;
};
