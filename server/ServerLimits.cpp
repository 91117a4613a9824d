#include "ServerLimits.h"
#include "ServerConfig.h"

#include <QStringList>

namespace {

struct Limit
{
    const char *name;
    const char *unit;
    int min;
    int max;
    int (*get)(const ServerConfig &);
    void (*set)(ServerConfig &, int);
};

constexpr int Second = 1000; // the timeouts' fields count milliseconds
constexpr int MiB = 1024 * 1024;

// Sizes stop below Qt's own header and body limits and the memory a full
// server would hold (connections times the largest request); times at an
// hour; counts where the database or the file descriptors give out first.
const Limit Table[] = {
    {"connections-per-address", "connections", 1, 100000,
     [](const ServerConfig &c) { return c.connectionLimits.maxPerAddress; },
     [](ServerConfig &c, int n) { c.connectionLimits.maxPerAddress = n; }},
    {"connections", "connections", 1, 100000, [](const ServerConfig &c) { return c.connectionLimits.maxConnections; },
     [](ServerConfig &c, int n) { c.connectionLimits.maxConnections = n; }},
    {"pending-per-address", "sign-ins", 1, 1000000, [](const ServerConfig &c) { return c.pendingSignInsPerAddress; },
     [](ServerConfig &c, int n) { c.pendingSignInsPerAddress = n; }},
    {"pending", "sign-ins", 1, 1000000, [](const ServerConfig &c) { return c.pendingSignIns; },
     [](ServerConfig &c, int n) { c.pendingSignIns = n; }},
    {"header-bytes", "bytes", 1024, 64 * 1024,
     [](const ServerConfig &c) { return int(c.connectionLimits.maxHeaderBytes); },
     [](ServerConfig &c, int n) { c.connectionLimits.maxHeaderBytes = n; }},
    {"body-bytes", "bytes", 1024, 16 * MiB, [](const ServerConfig &c) { return int(c.connectionLimits.maxBodyBytes); },
     [](ServerConfig &c, int n) { c.connectionLimits.maxBodyBytes = n; }},
    {"header-timeout", "seconds", 1, 3600,
     [](const ServerConfig &c) { return c.connectionLimits.headerTimeoutMs / Second; },
     [](ServerConfig &c, int n) { c.connectionLimits.headerTimeoutMs = n * Second; }},
    {"body-timeout", "seconds", 1, 3600, [](const ServerConfig &c) { return c.connectionLimits.bodyTimeoutMs / Second; },
     [](ServerConfig &c, int n) { c.connectionLimits.bodyTimeoutMs = n * Second; }},
    {"idle-timeout", "seconds", 1, 3600, [](const ServerConfig &c) { return c.connectionLimits.idleTimeoutMs / Second; },
     [](ServerConfig &c, int n) { c.connectionLimits.idleTimeoutMs = n * Second; }},
    {"upstream-timeout", "seconds", 1, 3600, [](const ServerConfig &c) { return c.upstreamDeadlineMs / Second; },
     [](ServerConfig &c, int n) { c.upstreamDeadlineMs = n * Second; }},
};

const Limit *find(const QString &name)
{
    for (const Limit &limit : Table) {
        if (name == QLatin1String(limit.name))
            return &limit;
    }
    return nullptr;
}

QString names()
{
    QStringList names;
    for (const Limit &limit : Table)
        names.append(QLatin1String(limit.name));
    return names.join(QStringLiteral(", "));
}

} // namespace

Result<void> ServerLimits::apply(const QString &text, ServerConfig &config)
{
    const qsizetype equals = text.indexOf(u'=');
    if (equals < 0)
        return ServerError::startup(QStringLiteral("--limit wants name=N, e.g. connections=512, not \"%1\"").arg(text));
    const QString name = text.left(equals);
    const Limit *limit = find(name);
    if (!limit)
        return ServerError::startup(
            QStringLiteral("--limit: no limit is called \"%1\"; the limits are %2").arg(name, names()));
    bool ok = false;
    const int value = text.mid(equals + 1).toInt(&ok);
    if (!ok || value < limit->min || value > limit->max)
        return ServerError::startup(QStringLiteral("--limit %1 wants a whole number of %2 from %3 to %4, not \"%5\"")
                                        .arg(name, QLatin1String(limit->unit))
                                        .arg(limit->min)
                                        .arg(limit->max)
                                        .arg(text.mid(equals + 1)));
    limit->set(config, value);
    return {};
}

QString ServerLimits::namesWithDefaults()
{
    const ServerConfig defaults;
    QStringList described;
    for (const Limit &limit : Table)
        described.append(QStringLiteral("%1 (%2 %3)")
                             .arg(QLatin1String(limit.name))
                             .arg(limit.get(defaults))
                             .arg(QLatin1String(limit.unit)));
    return described.join(QStringLiteral(", "));
}
