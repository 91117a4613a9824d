#include "ClientOptions.h"

#include "ErrorMessages.h"
#include "ProxyConfig.h"
#include "Settings.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>
#include <QSettings>
#include <QStandardPaths>

#include <cstdio>

ClientOptions::ClientOptions()
    : m_issuer(QStringLiteral("issuer"), QCoreApplication::translate("main", "Server (issuer) URL."),
               QStringLiteral("url"))
    , m_clientId(QStringLiteral("client-id"), QCoreApplication::translate("main", "OAuth client id."),
                 QStringLiteral("id"))
    , m_browser(QStringLiteral("browser-command"),
                QCoreApplication::translate("main",
                                            "Browser to use instead of the system one; %u is "
                                            "the sign-in URL, e.g. \"firefox %u\"."),
                QStringLiteral("command"))
    , m_proxy(QStringLiteral("proxy"),
              QCoreApplication::translate("main",
                                          "Proxy for every connection instead of the system's, as "
                                          "http://host:port or socks5://host:port (no password: it "
                                          "is asked for when needed)."),
              QStringLiteral("url"))
    , m_verbose(QStringLiteral("verbose"),
                QCoreApplication::translate("main",
                                            "Log every step of signing in to the terminal "
                                            "(never a password, token or code)."))
{
}

QList<QCommandLineOption> ClientOptions::all() const
{
    return {m_issuer, m_clientId, m_browser, m_proxy, m_verbose};
}

ClientConfig ClientOptions::config(const QCommandLineParser &parser, const QSettings &settings) const
{
    ClientConfig config;
    config.issuer = parser.isSet(m_issuer) ? parser.value(m_issuer) : Settings::Issuer.get(settings);
    while (config.issuer.endsWith(QLatin1Char('/')))
        config.issuer.chop(1);
    config.clientId = parser.isSet(m_clientId) ? parser.value(m_clientId) : Settings::ClientId.get(settings);
    config.browserCommand = parser.isSet(m_browser) ? parser.value(m_browser) : Settings::BrowserCommand.get(settings);
    const QString state = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    QDir().mkpath(state);
    config.refreshLockPath = state + QStringLiteral("/refresh.lock");
    return config;
}

void ClientOptions::applyLogging(const QCommandLineParser &parser) const
{
    if (!parser.isSet(m_verbose))
        return;
    // Every latchkey.* category (ClientLogging.h) down to debug; QT_LOGGING_RULES still has the last word.
    QLoggingCategory::setFilterRules(QStringLiteral("latchkey.*=true"));
    if (qEnvironmentVariableIsEmpty("QT_MESSAGE_PATTERN"))
        qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{category} %{type}: %{message}"));
}

bool ClientOptions::applyProxy(const QCommandLineParser &parser) const
{
    if (!parser.isSet(m_proxy)) {
        ProxyConfig::apply(std::nullopt);
        return true;
    }
    const ProxyConfig::Parsed parsed = ProxyConfig::parse(parser.value(m_proxy));
    if (parsed.problem != ProxyConfig::Problem::None) {
        const QString why = ErrorMessages::proxyOptionProblem(parsed.problem, parser.value(m_proxy));
        std::fprintf(stderr, "latchkey: %s\n", qPrintable(why));
        return false;
    }
    ProxyConfig::apply(parsed.proxy);
    return true;
}
