#pragma once

#include "ConnectionGuard.h"
#include "UpstreamSettings.h"

#include <QHostAddress>
#include <QList>
#include <QString>

// Everything latchkey-server is told at start-up, from its command line or a test.
struct ServerConfig
{
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 listenPort = 8765;
    // --metrics-listen: where GET /metrics answers Prometheus, apart from the
    // clients' port. -1: no metrics listener; 0: the OS chooses.
    QHostAddress metricsAddress = QHostAddress::LocalHost;
    int metricsPort = -1;
    // Empty: derived from the address the server actually listens on.
    QString issuer;
    QString dataDir;
    // --database: "sqlite:" (empty: the same, latchkey.sqlite in dataDir) or
    // "postgresql://user@host:port/dbname" (DatabaseUrl).
    QString database;
    // The 32-byte key that seals the signing keys in the database (--key-file,
    // mode 0600). Empty: <data-dir>/key-encryption.key, made at first start.
    QString keyFile;
    // "ES256" (default) or "RS256": the algorithm new tokens are signed with.
    QString signingAlgorithm = QStringLiteral("ES256");
    QString termsVersion = QStringLiteral("2026-11-01");
    // ID tokens with only the required claims; the profile comes from
    // userinfo, as with many standard providers (a QA mode).
    bool minimalIdTokens = false;
    // Attempts per minute allowed for one onboarding token.
    int usernameChecksPerMinute = 120;
    int onboardAttemptsPerMinute = 20;
    // Request size, time and connection limits (PROTOCOL.md 9); these and
    // the pending sign-ins and upstream deadline below are set with --limit
    // (ServerLimits).
    ConnectionGuard::Limits connectionLimits;
    // Requests per minute from one client address (docs/limits.md); the
    // benchmarks raise the token limit to measure the server, not the limit.
    int authorizePerAddressPerMinute = 120;
    int tokenPerAddressPerMinute = 1200;
    int usernameChecksPerAddressPerMinute = 600;
    int onboardsPerAddressPerMinute = 60;
    // Each provider's /upstream/<id>/callback: one per sign-in, like /authorize.
    int callbacksPerAddressPerMinute = 120;
    // Wrong device user codes one client address may enter per 10 minutes
    // (RFC 8628 5.1, docs/limits.md); only wrong codes count.
    int wrongUserCodesPerAddress = 10;
    // Sign-ins waiting for the person, per client address: one address can
    // only ever push out its own.
    int pendingSignInsPerAddress = 50;
    // ... and in all, across instances (they are rows): a full server makes
    // room at the expense of the address holding the most (SignInStore).
    int pendingSignIns = 10000;
    // --trusted-proxy CIDR (repeatable): reverse proxies whose Forwarded /
    // X-Forwarded-For name the client (TrustedProxies); none by default.
    QStringList trustedProxies;
    // QA mode: simulated providers, personas, QA accounts and faults. They
    // authenticate nobody, so QA mode is for loopback only.
    bool qaMode = false;
    // The providers file (--providers); read at start into `providers`.
    QString providersFile;
    QList<UpstreamSettings> providers;
    // Worker threads, each with its own database connection (--threads);
    // 0: one per core.
    int threads = 0;
    // How long an upstream provider may take for one answer.
    int upstreamDeadlineMs = 10000;
};
