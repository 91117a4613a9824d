// Two instances on one database (as behind a load balancer), each with its
// own connection and stores, racing over one authorization code or one
// onboarding token: what the one issues, the other's replay or revocation
// always reaches (issue 19's review findings). Store level, so the second
// instance can land exactly between two steps of the first.

#include "AccountStore.h"
#include "Clock.h"
#include "Database.h"
#include "DatabaseUrl.h"
#include "ErrorCodes.h"
#include "OnboardingStore.h"
#include "Pkce.h"
#include "Protocol.h"
#include "ResultAssert.h"
#include "StoreInstance.h"
#include "TestDatabase.h"
#include "TokenStore.h"

#include <QTemporaryDir>
#include <QTest>

#include <thread>

namespace {

using Instance = StoreInstance;

const QByteArray Verifier = QByteArray(43, 'v');

AuthorizationGrant grantFor(const QString &userId)
{
    AuthorizationGrant grant;
    grant.clientId = QLatin1String(Protocol::DefaultClientId);
    grant.redirectUri = QStringLiteral("http://127.0.0.1:5000/callback");
    grant.codeChallenge = QString::fromLatin1(Pkce::challengeFor(Verifier));
    grant.nonce = QStringLiteral("n");
    grant.scope = QLatin1String(Protocol::DefaultScope);
    grant.identity = {QStringLiteral("qa:github"), userId, QString()};
    grant.authTime = QDateTime::currentSecsSinceEpoch();
    return grant;
}

CodePresentation presentation(const AuthorizationGrant &grant)
{
    return {grant.clientId, grant.redirectUri, Verifier};
}

OnboardingRequest onboardingOf(const AuthorizationGrant &grant, const QString &jti, const QString &key)
{
    return {jti,
            key,
            QDateTime::currentSecsSinceEpoch() + Protocol::OnboardingTokenLifetimeSeconds,
            Account{{}, QStringLiteral("racer-") + grant.identity.providerUserId, {}, {}, false},
            grant.identity,
            grant.clientId,
            grant.scope,
            grant.authTime};
}

// Refused as a revoked token, and no account made for the identity.
void verifyRefusedAsRevoked(Instance &instance, const ServerError &error, const UpstreamIdentity &identity)
{
    QCOMPARE(error.code, QByteArray(ErrorCode::InvalidToken));
    const auto account = instance.accounts.findByIdentity(identity);
    QVERIFY(account);
    QVERIFY2(!*account, "an account was created from a revoked onboarding token");
}

} // namespace

class TestIssuingRaces : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data() { TestDatabase::addBackendRows(); }
    void init();
    void cleanup();

    void codeReplayDuringIssueRevokesTheSession();
    void revocationBeforeOnboardingRefusesIt();
    void revocationDuringOnboardingRefusesIt();
    void replayAfterOnboardingRevokesItsSession();
    void secondOnboardingOfOneTokenCreatesNothing();

private:
    std::unique_ptr<TestDatabase> m_database;
    QTemporaryDir m_dataDir;
    DatabaseUrl m_url;
};

void TestIssuingRaces::init()
{
    LATCHKEY_USE_BACKEND();
    QFETCH_GLOBAL(QString, backend);
    m_database = std::make_unique<TestDatabase>(backend);
    QVERIFY2(m_database->error().isEmpty(), qPrintable(m_database->error()));
    const auto url = DatabaseUrl::parse(m_database->url(), m_dataDir.path());
    QVERIFY_OK(url);
    m_url = *url;
}

void TestIssuingRaces::cleanup()
{
    m_database.reset();
}

// The replay of a code lands at instance B while instance A is between
// redeeming it and recording the session it issues: B waits for A, then
// revokes that session. (Before: A committed the redemption first, B found
// nothing issued yet, and A's session lived on.)
void TestIssuingRaces::codeReplayDuringIssueRevokesTheSession()
{
    Instance a(m_url);
    QVERIFY(a.ok);
    const AuthorizationGrant grant = grantFor(QStringLiteral("replayed-during-issue"));
    const auto account = a.accounts.add(Account{{}, QStringLiteral("returning"), {}, {}, false});
    QVERIFY(account);
    const auto code = a.tokens.createCode(grant);
    QVERIFY(code);
    std::optional<ServerError> replayError;
    std::thread replay;
    TokenFamily family;
    const auto redeemed = a.tokens.exchangeCode(*code, presentation(grant), [&](const AuthorizationGrant &) {
        replay = std::thread([&] {
            Instance b(m_url);
            const auto second = b.tokens.exchangeCode(*code, presentation(grant), [](const AuthorizationGrant &) {
                return Result<CodeResult>(CodeResult{});
            });
            replayError = second ? std::nullopt : std::optional<ServerError>(second.error());
        });
        // Long enough for an unguarded replay to finish before the session exists.
        QThread::msleep(500);
        const auto made = a.tokens.createFamily(account->id, grant.clientId, grant.scope, grant.authTime, nullptr);
        if (!made)
            return Result<CodeResult>(made.error());
        family = *made;
        return Result<CodeResult>(CodeResult{family.id, {}});
    });
    replay.join();
    QVERIFY(redeemed);
    QVERIFY(replayError);
    QCOMPARE(replayError->code, QByteArray(ErrorCode::InvalidGrant));
    const auto active = a.tokens.isSessionActive(family.sessionId);
    QVERIFY(active);
    QVERIFY2(!*active, "the session issued by the replayed code is still active");
}

// Instance B revokes the onboarding token's jti (its code was replayed)
// after instance A checked the token and before A's account transaction:
// A creates nothing. (Before: the check ran outside the transaction, and
// the record's write did nothing on a revoked row while the 201 committed.)
void TestIssuingRaces::revocationBeforeOnboardingRefusesIt()
{
    Instance a(m_url);
    Instance b(m_url);
    QVERIFY(a.ok && b.ok);
    const AuthorizationGrant grant = grantFor(QStringLiteral("revoked-before-onboarding"));
    const QString jti = QStringLiteral("jti-revoked");
    const auto checked = a.tokens.onboarding(jti);
    QVERIFY(checked && !*checked);
    QVERIFY(b.tokens.revokeOnboarding(jti, QDateTime::currentSecsSinceEpoch() + 600));
    const auto onboarded = a.onboardings.onboard(onboardingOf(grant, jti, QStringLiteral("key-1")));
    QVERIFY(!onboarded);
    verifyRefusedAsRevoked(a, onboarded.error(), grant.identity);
}

// Instance A's replay has revoked the jti but not yet committed when
// instance B's onboarding starts: B waits for A's outcome and creates nothing.
void TestIssuingRaces::revocationDuringOnboardingRefusesIt()
{
    Instance a(m_url);
    QVERIFY(a.ok);
    const AuthorizationGrant grant = grantFor(QStringLiteral("revoked-during-onboarding"));
    const QString jti = QStringLiteral("jti-revoked-during");
    QVERIFY(a.db.begin());
    QVERIFY(a.tokens.revokeOnboarding(jti, QDateTime::currentSecsSinceEpoch() + 600));
    std::optional<ServerError> onboardError;
    std::thread onboarding([&] {
        Instance b(m_url);
        const auto onboarded = b.onboardings.onboard(onboardingOf(grant, jti, QStringLiteral("key-1")));
        onboardError = onboarded ? std::nullopt : std::optional<ServerError>(onboarded.error());
    });
    // Long enough for B to reach the jti's row and wait there.
    QThread::msleep(300);
    QVERIFY(a.db.commit());
    onboarding.join();
    QVERIFY2(onboardError, "an onboarding went through while its token was being revoked");
    verifyRefusedAsRevoked(a, *onboardError, grant.identity);
}

// The code that issued an onboarding token is replayed at instance B after
// instance A onboarded with it: B revokes the session A's onboarding started.
void TestIssuingRaces::replayAfterOnboardingRevokesItsSession()
{
    Instance a(m_url);
    Instance b(m_url);
    QVERIFY(a.ok && b.ok);
    const AuthorizationGrant grant = grantFor(QStringLiteral("replayed-after-onboarding"));
    const QString jti = QStringLiteral("jti-replayed");
    const auto code = a.tokens.createCode(grant);
    QVERIFY(code);
    QVERIFY(a.tokens.exchangeCode(*code, presentation(grant), [&](const AuthorizationGrant &) {
        return Result<CodeResult>(CodeResult{{}, jti});
    }));
    const auto onboarded = a.onboardings.onboard(onboardingOf(grant, jti, QStringLiteral("key-1")));
    QVERIFY(onboarded);
    const auto replay = b.tokens.exchangeCode(*code, presentation(grant), [](const AuthorizationGrant &) {
        return Result<CodeResult>(CodeResult{});
    });
    QVERIFY(!replay);
    const auto active = a.tokens.isSessionActive(onboarded->family.sessionId);
    QVERIFY(active);
    QVERIFY2(!*active, "the onboarding's session outlived the replay of its code");
}

// Two onboardings of one token with different Idempotency-Keys at two
// instances: the second is refused and creates no second session.
void TestIssuingRaces::secondOnboardingOfOneTokenCreatesNothing()
{
    Instance a(m_url);
    Instance b(m_url);
    QVERIFY(a.ok && b.ok);
    const AuthorizationGrant grant = grantFor(QStringLiteral("onboarded-twice"));
    const QString jti = QStringLiteral("jti-twice");
    const auto first = a.onboardings.onboard(onboardingOf(grant, jti, QStringLiteral("key-1")));
    QVERIFY(first);
    const auto second = b.onboardings.onboard(onboardingOf(grant, jti, QStringLiteral("key-2")));
    QVERIFY(!second);
    QCOMPARE(second.error().code, QByteArray(ErrorCode::OnboardingAlreadyCompleted));
    const auto record = a.tokens.onboarding(jti);
    QVERIFY(record && *record);
    QCOMPARE((*record)->familyId, first->family.id);
}

QTEST_GUILESS_MAIN(TestIssuingRaces)
#include "TestIssuingRaces.moc"
