// What a failed sign-in leaves to go on, against the real server and
// keychain: the client's log lines (every category on, as `--verbose`) and
// the "Copy details" report. Both must say what went wrong, and neither may
// hold a token, an authorization code, a PKCE verifier or a state the test
// saw pass by.

#include "ClientHarness.h"
#include "ClientLogging.h"
#include "Diagnostics.h"
#include "HttpRobot.h"
#include "ProxyConfig.h"
#include "SessionManager.h"
#include "VaultJob.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkProxy>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

using State = SessionManager::State;

namespace {
constexpr int FlowTimeoutMs = 15000;

QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previous = nullptr;

// The client's categories only: the in-process server has its own logs.
bool isClientCategory(const char *category)
{
    static const QList<QByteArray> client{lcSession().categoryName(),   lcLoopback().categoryName(),
                                          lcVault().categoryName(),     lcHttp().categoryName(),
                                          lcDiscovery().categoryName(), lcOnboarding().categoryName(),
                                          lcProxy().categoryName()};
    return category && client.contains(QByteArray(category));
}

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (isClientCategory(context.category)) {
        QMutexLocker lock(&g_logMutex);
        g_log.append(QString::fromLatin1(context.category) + QStringLiteral(": ") + message);
    }
    if (g_previous)
        g_previous(type, context, message);
}
} // namespace

class TestDiagnostics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();
    void signInRefreshAndFailuresLogNoSecret();
    void reportAfterFailedSignIn();
    void reportNamesTheProxyNeverItsCredentials_data();
    void reportNamesTheProxyNeverItsCredentials();
    void reportShowsTheCertificateChain();

private:
    // Every code and state of a redirect the robot browser carries back.
    void watchRedirects();
    QString storedRefreshToken(const AccountProfile &account);
    void verifyNoSecretIn(const QString &text, const char *what) const;
    QString logText() const;

    std::unique_ptr<ClientHarness> m_harness;
    QStringList m_secrets;
};

void TestDiagnostics::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("latchkey.*.debug=true"));
    g_previous = qInstallMessageHandler(capture);
}

void TestDiagnostics::cleanupTestCase()
{
    qInstallMessageHandler(g_previous);
}

void TestDiagnostics::init()
{
    m_harness = std::make_unique<ClientHarness>();
    QVERIFY(m_harness->start());
    m_secrets.clear();
    QMutexLocker lock(&g_logMutex);
    g_log.clear();
}

void TestDiagnostics::cleanup()
{
    m_harness.reset();
}

void TestDiagnostics::watchRedirects()
{
    m_harness->browser().beforeRedirect = [this](const QUrl &redirect) {
        const QUrlQuery query(redirect);
        for (const char *key : {"code", "state"}) {
            const QString value = query.queryItemValue(QLatin1String(key), QUrl::FullyDecoded);
            if (!value.isEmpty())
                m_secrets.append(value);
        }
    };
}

QString TestDiagnostics::storedRefreshToken(const AccountProfile &account)
{
    VaultJob *job = m_harness->vault().load(account);
    QSignalSpy done(job, &VaultJob::finished);
    if (!done.wait(VaultJob::TimeoutMs + 1000) || !job->error().ok())
        return {};
    return job->session().refreshToken;
}

QString TestDiagnostics::logText() const
{
    QMutexLocker lock(&g_logMutex);
    return g_log.join(QLatin1Char('\n'));
}

void TestDiagnostics::verifyNoSecretIn(const QString &text, const char *what) const
{
    for (const QString &secret : m_secrets) {
        QVERIFY2(secret.size() >= 8, qPrintable("too short to search for: " + secret));
        QVERIFY2(!text.contains(secret), qPrintable(QStringLiteral("%1 holds a secret: %2").arg(what, secret)));
    }
}

void TestDiagnostics::signInRefreshAndFailuresLogNoSecret()
{
    watchRedirects();

    // A first sign-in that needs registration: its verifier and onboarding token.
    m_harness->browser().usePersona("google", "new");
    auto manager = m_harness->newManager();
    manager->signIn();
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::OnboardingRequired, FlowTimeoutMs);
    m_secrets << manager->onboarding()->context().codeVerifier << manager->onboarding()->context().token;
    manager->cancel();

    // A sign-in, and a refresh: every token the server issued.
    m_harness->browser().usePersona("github", "returning");
    manager->signIn();
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedIn, FlowTimeoutMs);
    const QString refreshToken = storedRefreshToken(manager->profile());
    m_secrets << manager->accessToken() << manager->idToken() << refreshToken;
    QSignalSpy refreshed(manager.get(), &SessionManager::refreshed);
    manager->refreshNow();
    QVERIFY(refreshed.wait(FlowTimeoutMs));
    const QString rotated = storedRefreshToken(manager->profile());
    QVERIFY(rotated != refreshToken);
    m_secrets << manager->accessToken() << rotated;

    // Revoked elsewhere: the next refresh fails at /token and ends the session.
    m_harness->browser().http().postForm(QUrl(m_harness->server().issuer() + "/revoke"),
                                         {{"token", rotated}, {"client_id", m_harness->config().clientId}});
    manager->refreshNow();
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedOut, FlowTimeoutMs);
    QCOMPARE(manager->error().code, ClientError::Code::SessionEnded);

    // A stray callback with a code and a wrong state, while a sign-in waits.
    m_harness->browser().stayAway();
    manager->signIn();
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::WaitingForBrowser, FlowTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!manager->authorizationUrl().isEmpty(), FlowTimeoutMs);
    const QUrl redirect(QUrlQuery(manager->authorizationUrl()).queryItemValue("redirect_uri", QUrl::FullyDecoded));
    const QString strayCode = QStringLiteral("stray-code-4b1d9e");
    const QString strayState = QStringLiteral("stray-state-77c0a2");
    m_secrets << strayCode << strayState
              << QUrlQuery(manager->authorizationUrl()).queryItemValue("state", QUrl::FullyDecoded);
    HttpRobot http;
    QCOMPARE(http.get(QUrl(redirect.toString() + "?code=" + strayCode + "&state=" + strayState)).status, 400);
    manager->cancel();

    const QString log = logText();
    // It says what happened...
    QVERIFY2(log.contains(QRegularExpression("latchkey\\.http: POST http://127\\.0\\.0\\.1:\\d+/token failed: HTTP 400 "
                                             "ServerRefused invalid_grant")),
             qPrintable(log));
    QVERIFY2(log.contains(QRegularExpression("latchkey\\.loopback: rejected: unknown state GET /callback "
                                             "\\(parameters: code,state\\)")),
             qPrintable(log));
    QVERIFY2(log.contains("latchkey.session: signed out: SessionManager::SignOutReason::SessionEnded SessionEnded"),
             qPrintable(log));
    QVERIFY(log.contains("latchkey.onboarding") || log.contains("latchkey.session: step"));
    // ...and nothing a thief could use, nor does the report.
    verifyNoSecretIn(log, "the log");
    verifyNoSecretIn(manager->diagnostics().report(), "the report");
}

void TestDiagnostics::reportAfterFailedSignIn()
{
    // The server an hour ahead: its ID token looks issued in the future,
    // and its Date header tells the report by how much.
    constexpr qint64 Ahead = 3600;
    m_harness->server().clock().advance(Ahead);
    watchRedirects();
    m_harness->browser().usePersona("github", "returning");
    auto manager = m_harness->newManager();
    manager->signIn();
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::Error, FlowTimeoutMs);
    QCOMPARE(manager->error().code, ClientError::Code::InvalidIdToken);
    QVERIFY(m_secrets.size() >= 2); // the code and the state went by

    const QString report = manager->diagnostics().report();
    const QString issuer = m_harness->server().issuer();
    for (const QString &expected :
         {QStringLiteral("Latchkey diagnostics"), QStringLiteral("Latchkey version: "),
          QStringLiteral("Qt version: %1").arg(QLatin1String(qVersion())), QStringLiteral("Operating system: "),
          QStringLiteral("Issuer: %1").arg(issuer), QStringLiteral("[Discovery]"),
          QStringLiteral("token_endpoint: %1/token").arg(issuer), QStringLiteral("scopes_supported: "),
          QStringLiteral("[Clock]"), QStringLiteral("[Last errors]"), QStringLiteral(" InvalidIdToken "),
          QStringLiteral("detail=\"IssuedInFuture: ")}) {
        QVERIFY2(report.contains(expected), qPrintable(expected + "\n--- not in ---\n" + report));
    }
    const QRegularExpressionMatch offset = QRegularExpression("offset to the server: \\+?(-?\\d+) s").match(report);
    QVERIFY2(offset.hasMatch(), qPrintable(report));
    QVERIFY2(qAbs(offset.captured(1).toLongLong() - Ahead) <= 2, qPrintable(offset.captured(0)));
    QVERIFY(manager->diagnostics().clockOffsetSeconds().has_value());
    QVERIFY(qAbs(*manager->diagnostics().clockOffsetSeconds() - Ahead) <= 2);
    verifyNoSecretIn(report, "the report");
    verifyNoSecretIn(logText(), "the log");
}

void TestDiagnostics::reportNamesTheProxyNeverItsCredentials_data()
{
    QTest::addColumn<QString>("environment"); // https_proxy, for the system configuration
    QTest::addColumn<QString>("option");      // --proxy, when given
    QTest::addColumn<QString>("expected");
    QTest::newRow("direct") << ""
                            << ""
                            << "none";
    QTest::newRow("system, with credentials in the variable") << "http://alice:s3cret-proxy-pw@proxy.corp.example:3128"
                                                              << ""
                                                              << "http://proxy.corp.example:3128";
    QTest::newRow("--proxy") << ""
                             << "socks5://10.1.2.3:1080"
                             << "socks5://10.1.2.3:1080";
}

void TestDiagnostics::reportNamesTheProxyNeverItsCredentials()
{
    QFETCH(QString, environment);
    QFETCH(QString, option);
    QFETCH(QString, expected);
    const QByteArray before = qgetenv("https_proxy");
    qputenv("https_proxy", environment.toLatin1());
    ProxyConfig::apply(option.isEmpty() ? std::nullopt : std::optional(ProxyConfig::parse(option).proxy));
    Diagnostics diagnostics;
    diagnostics.setIssuer(QStringLiteral("https://auth.example.org"));
    const QString report = diagnostics.report();
    qputenv("https_proxy", before);
    QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::NoProxy));
    QVERIFY2(report.contains(QStringLiteral("[Network]\nproxy to the server: ") + expected + QLatin1Char('\n')),
             qPrintable(report));
    QVERIFY2(!report.contains(QStringLiteral("s3cret")) && !report.contains(QStringLiteral("alice")),
             qPrintable(report));
}

void TestDiagnostics::reportShowsTheCertificateChain()
{
    // The real chain of a real handshake is TestProxyAndTls's; here, how it reads.
    ClientError error = ClientError::make(ClientError::Code::CertificateUntrusted, QStringLiteral("findings"));
    error.host = QStringLiteral("auth.example.org");
    error.sslErrors = QStringList{
        QStringLiteral("The issuer certificate of a locally looked up certificate could not be found")};
    error.certificateChain = QStringList{QStringLiteral("subject: auth.example.org; issuer: Corp Issuing CA"),
                                         QStringLiteral("subject: Corp Issuing CA; issuer: Corp Root CA")};
    Diagnostics diagnostics;
    diagnostics.recordError(error);
    const QString report = diagnostics.report();
    QVERIFY2(report.contains(QStringLiteral(" CertificateUntrusted host=auth.example.org ")), qPrintable(report));
    QVERIFY2(report.contains(
                 QStringLiteral("\n  TLS error: The issuer certificate of a locally looked up certificate "
                                "could not be found\n  certificate: subject: auth.example.org; issuer: "
                                "Corp Issuing CA\n  certificate: subject: Corp Issuing CA; issuer: Corp Root CA")),
             qPrintable(report));
}

QTEST_GUILESS_MAIN(TestDiagnostics)
#include "TestDiagnostics.moc"
