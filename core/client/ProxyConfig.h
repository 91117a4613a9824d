#pragma once

#include <QNetworkProxy>
#include <QString>

#include <optional>

class QNetworkAccessManager;
class QUrl;

// Which proxy the client's requests take: the system's configuration
// (environment variables, and libproxy's PAC and desktop settings where Qt
// is built with it), or the one `--proxy` names. Applied process-wide, so
// every QNetworkAccessManager of the client, and later the subcommands, use
// the same.
class ProxyConfig
{
public:
    // Why a `--proxy` value is refused; ErrorMessages::proxyOptionProblem says it in words.
    enum class Problem { None, NotAUrl, UnsupportedScheme, NoHost, NoPort, HasUserInfo };

    struct Parsed
    {
        QNetworkProxy proxy;
        Problem problem = Problem::None;
    };

    // "http://host:port" or "socks5://host:port". User info is refused: it
    // would sit in argv, readable by every process of the computer.
    static Parsed parse(const QString &text);
    // The system configuration, or `override` for every request.
    static void apply(const std::optional<QNetworkProxy> &override);
    // The proxy `manager` takes to reach `url` (NoProxy when direct), as
    // QNetworkAccessManager resolves it.
    static QNetworkProxy proxyFor(const QNetworkAccessManager *manager, const QUrl &url);
    // "host:port", for sentences and keychain keys; empty for none.
    static QString hostAndPort(const QNetworkProxy &proxy);
    // "http://host:port" or "none", never credentials: for the diagnostics report.
    static QString describe(const QNetworkProxy &proxy);
};
