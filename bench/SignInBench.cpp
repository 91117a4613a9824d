// Measures the client's own part of signing in: from the moment the browser's
// redirect reaches the loopback receiver to tokens exchanged, validated and
// stored in the keychain. Runs real sign-ins against a latchkey-server process,
// with a robot in place of the browser. Needs a Secret Service (scripts/bench.sh).
//
//   latchkey-bench-signin [--runs 30] [--server PATH]

#include "BrowserRobot.h"
#include "BundledServer.h"
#include "SessionManager.h"
#include "TokenVault.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption runs(QStringLiteral("runs"), QStringLiteral("Sign-ins to time."), QStringLiteral("n"),
                                  QStringLiteral("30"));
    const QCommandLineOption serverBinary(QStringLiteral("server"), QStringLiteral("latchkey-server to start."),
                                          QStringLiteral("path"), QStringLiteral(LATCHKEY_SERVER_BINARY));
    parser.addOptions({runs, serverBinary});
    parser.process(app);

    QTemporaryDir dir;
    BundledServer server;
    server.setLogFile(dir.filePath(QStringLiteral("server.log")));
    QSignalSpy ready(&server, &BundledServer::ready);
    server.start(parser.value(serverBinary), {});
    ClientConfig config;
    config.issuer = ready.wait(BundledServer::StartTimeoutMs) ? server.issuer() : QString();
    if (config.issuer.isEmpty()) {
        std::fprintf(stderr, "latchkey-bench-signin: the server did not start\n");
        return 1;
    }
    config.refreshLockPath = dir.filePath(QStringLiteral("refresh.lock"));
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    TokenVault vault(&settings);
    QNetworkAccessManager network;
    BrowserRobot browser;
    browser.usePersona(QStringLiteral("github"), QStringLiteral("returning"));
    SessionManager manager(config, &network, &vault);
    QObject::connect(&manager, &SessionManager::authorizeWithBrowser, &browser, &BrowserRobot::openUrl);

    QElapsedTimer clock;
    qint64 returnedAt = 0;
    QObject::connect(&manager, &SessionManager::browserReturned, [&] { returnedAt = clock.nsecsElapsed(); });
    std::vector<double> callbackToStored;
    std::vector<double> whole;
    for (int i = 0; i < parser.value(runs).toInt(); ++i) {
        QSignalSpy state(&manager, &SessionManager::stateChanged);
        clock.start();
        manager.signIn();
        while (manager.state() != SessionManager::State::SignedIn) {
            if (!state.wait(15000) || manager.state() == SessionManager::State::Error) {
                std::fprintf(stderr, "sign-in %d failed: %s\n", i, qPrintable(manager.error().codeName()));
                return 2;
            }
        }
        const qint64 signedInAt = clock.nsecsElapsed();
        callbackToStored.push_back(double(signedInAt - returnedAt) / 1e6);
        whole.push_back(double(signedInAt) / 1e6);
        QSignalSpy signedOut(&manager, &SessionManager::signOutFinished);
        manager.signOut();
        signedOut.wait(5000);
    }
    std::printf("%zu sign-ins against %s\n", whole.size(), qPrintable(config.issuer));
    std::printf("callback -> tokens validated and stored: median %6.2f ms  p90 %6.2f ms  max %6.2f ms\n",
                percentile(callbackToStored, 0.5), percentile(callbackToStored, 0.9), percentile(callbackToStored, 1.0));
    std::printf("sign-in started -> signed in (robot browser): median %6.2f ms  p90 %6.2f ms\n", percentile(whole, 0.5),
                percentile(whole, 0.9));
    return 0;
}
