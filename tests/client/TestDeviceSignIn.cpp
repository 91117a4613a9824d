// SessionManager's device sign-in (RFC 8628, PROTOCOL.md 10) against the real
// reference server and the real keychain of the test's D-Bus session; the
// person's side, on another device, is DevicePageRobot at the server's pages.

#include "ClientHarness.h"
#include "DevicePageRobot.h"
#include "DiscoveryOverlay.h"
#include "OnboardingClient.h"
#include "Protocol.h"
#include "ResultAssert.h"
#include "SessionManager.h"

#include <QSignalSpy>
#include <QTest>

using Step = SessionManager::Step;
using State = SessionManager::State;

namespace {
// The server asks for a poll every 5 s: a few of them.
constexpr int FlowTimeoutMs = 20000;
} // namespace

class TestDeviceSignIn : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void returningPersonSignsIn();
    void newPersonOnboardsWithTheDeviceCode();
    void deniedOnThePage();
    void codeExpires();
    void providerWithoutDeviceGrant();

private:
    // Starts a device sign-in and waits for the code to show.
    void startDeviceSignIn(SessionManager &manager);
    DevicePageRobot page() { return DevicePageRobot(&m_http, m_harness->server().issuer()); }

    std::unique_ptr<ClientHarness> m_harness;
    HttpRobot m_http;
};

void TestDeviceSignIn::init()
{
    m_harness = std::make_unique<ClientHarness>();
    QVERIFY_OK(m_harness->start());
}

void TestDeviceSignIn::cleanup()
{
    m_harness.reset();
}

void TestDeviceSignIn::startDeviceSignIn(SessionManager &manager)
{
    manager.signInWithDevice();
    QTRY_COMPARE_WITH_TIMEOUT(manager.step(), Step::WaitingForDevice, FlowTimeoutMs);
    QCOMPARE(manager.state(), State::WaitingForDevice);
    const DeviceAuthorization &d = manager.deviceAuthorization();
    QCOMPARE(d.userCode.size(), 9); // XXXX-XXXX
    QCOMPARE(d.verificationUri.toString(), m_harness->server().issuer() + QStringLiteral("/device"));
    QCOMPARE(d.interval, Protocol::DevicePollIntervalSeconds);
}

void TestDeviceSignIn::returningPersonSignsIn()
{
    auto manager = m_harness->newManager();
    startDeviceSignIn(*manager);
    const HttpResult done = page().signIn(manager->deviceAuthorization().userCode, QStringLiteral("github"),
                                          {{QStringLiteral("persona"), QStringLiteral("returning")}});
    QCOMPARE(done.status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedIn, FlowTimeoutMs);
    QCOMPARE(manager->profile().username, QStringLiteral("rita"));
    QVERIFY(manager->vaultError().ok());
    QVERIFY(!manager->accessToken().isEmpty());
    QVERIFY(manager->canRenew());
    QVERIFY(m_harness->browser().openedUrls().isEmpty()); // no browser on this machine was asked for
}

void TestDeviceSignIn::newPersonOnboardsWithTheDeviceCode()
{
    auto manager = m_harness->newManager();
    startDeviceSignIn(*manager);
    const QString deviceCode = manager->deviceAuthorization().deviceCode;
    page().signIn(manager->deviceAuthorization().userCode, QStringLiteral("google"),
                  {{QStringLiteral("provider_user_id"), QStringLiteral("g-device-client")},
                   {QStringLiteral("email"), QStringLiteral("devi@example.org")},
                   {QStringLiteral("email_verified"), QStringLiteral("true")},
                   {QStringLiteral("name"), QStringLiteral("Devi Client")},
                   {QStringLiteral("action"), QStringLiteral("continue")}});
    QTRY_COMPARE_WITH_TIMEOUT(manager->step(), Step::Onboarding, FlowTimeoutMs);
    OnboardingClient *onboarding = manager->onboarding();
    QVERIFY(onboarding);
    // No nonce in a device-grant onboarding token; its proof is the device_code.
    QVERIFY(onboarding->context().nonce.isEmpty());
    QCOMPARE(QString::fromLatin1(onboarding->context().codeVerifier), deviceCode);
    QCOMPARE(onboarding->context().email, QStringLiteral("devi@example.org"));
    const QByteArray terms = m_http.get(m_harness->server().url(QStringLiteral("/terms"))).header("Terms-Version");
    onboarding->submit(QStringLiteral("devi"), QStringLiteral("Devi Client"), QString::fromLatin1(terms));
    QTRY_COMPARE_WITH_TIMEOUT(manager->state(), State::SignedIn, FlowTimeoutMs);
    QCOMPARE(manager->profile().username, QStringLiteral("devi"));
}

void TestDeviceSignIn::deniedOnThePage()
{
    auto manager = m_harness->newManager();
    startDeviceSignIn(*manager);
    DevicePageRobot robot = page();
    const HttpResult confirmation = robot.enterCode(manager->deviceAuthorization().userCode);
    QCOMPARE(robot.confirm(confirmation, QStringLiteral("deny"), false).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(manager->step(), Step::SignedOut, FlowTimeoutMs);
    QCOMPARE(manager->signOutReason(), SessionManager::SignOutReason::AccessDenied);
}

void TestDeviceSignIn::codeExpires()
{
    auto manager = m_harness->newManager();
    startDeviceSignIn(*manager);
    m_harness->server().clock().advance(Protocol::DeviceCodeLifetimeSeconds + 1);
    QTRY_COMPARE_WITH_TIMEOUT(manager->step(), Step::Error, FlowTimeoutMs);
    QCOMPARE(manager->error().code, ClientError::Code::DeviceCodeExpired);
}

void TestDeviceSignIn::providerWithoutDeviceGrant()
{
    DiscoveryOverlay overlay; // a standard provider without RFC 8628
    QString error;
    QVERIFY2(overlay.start(m_harness->server().issuer(), &error), qPrintable(error));
    overlay.document().remove(QLatin1String(Protocol::DeviceAuthorizationEndpointKey));
    ClientConfig config = m_harness->config();
    config.issuer = overlay.issuer();
    auto manager = m_harness->newManager(config);
    manager->signInWithDevice();
    QTRY_COMPARE_WITH_TIMEOUT(manager->step(), Step::Error, FlowTimeoutMs);
    QCOMPARE(manager->error().code, ClientError::Code::Unsupported);
    QVERIFY(manager->error().detail.contains(QLatin1String("device")));
}

QTEST_MAIN(TestDeviceSignIn)
#include "TestDeviceSignIn.moc"
