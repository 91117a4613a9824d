#pragma once

#include "UpstreamSettings.h"

#include <QHostAddress>
#include <QList>
#include <QString>

// Everything latchkey-server is told at start-up, from its command line or a test.
struct ServerConfig
{
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 listenPort = 8765;
    // Empty: derived from the address the server actually listens on.
    QString issuer;
    QString dataDir;
    // "ES256" (default) or "RS256": the algorithm new tokens are signed with.
    QString signingAlgorithm = QStringLiteral("ES256");
    QString termsVersion = QStringLiteral("2026-11-01");
    // ID tokens with only the required claims; the profile comes from
    // userinfo, as with many standard providers (a QA mode).
    bool minimalIdTokens = false;
    // Attempts per minute allowed for one onboarding token.
    int usernameChecksPerMinute = 120;
    int onboardAttemptsPerMinute = 20;
    // QA mode: simulated providers, personas, QA accounts and faults. They
    // authenticate nobody, so QA mode is for loopback only.
    bool qaMode = false;
    // The providers file (--providers); read at start into `providers`.
    QString providersFile;
    QList<UpstreamSettings> providers;
    // How long an upstream provider may take for one answer.
    int upstreamDeadlineMs = 10000;
};
