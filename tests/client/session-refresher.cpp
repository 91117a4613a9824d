// An app process for TestRefreshLock: restores the session the test signed
// in (same settings file, same keychain, same lock file) with its clock an
// hour ahead, so it refreshes at once, and prints "refreshed <digest>" when
// done, the digest naming the access token it ended with (not the token).

#include "SessionManager.h"
#include "TokenVault.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QTimer>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 5)
        return 3; // issuer settings lock staleMs
    QSettings settings(args.at(2), QSettings::IniFormat);
    TokenVault vault(&settings);
    QNetworkAccessManager network;
    ClientConfig config;
    config.issuer = args.at(1);
    config.refreshLockPath = args.at(3);
    config.refreshLockStaleMs = args.at(4).toInt();
    config.clock = [] { return QDateTime::currentSecsSinceEpoch() + 3600; };
    SessionManager session(config, &network, &vault);
    QObject::connect(&session, &SessionManager::refreshed, &app, [&app, &session] {
        const QByteArray digest
            = QCryptographicHash::hash(session.accessToken().toUtf8(), QCryptographicHash::Sha256).toHex().left(16);
        std::printf("refreshed %s\n", digest.constData());
        std::fflush(stdout);
        app.exit(0);
    });
    QObject::connect(&session, &SessionManager::stateChanged, &app, [&app](SessionManager::State state) {
        if (state == SessionManager::State::SignedOut || state == SessionManager::State::Error)
            app.exit(1);
    });
    QTimer::singleShot(60000, &app, [&app] { app.exit(2); });
    session.restore();
    return app.exec();
}
