// One conformance suite for the server's stores (issue 19), after dex's
// storage/conformance: every test runs on SQLite and on PostgreSQL, and checks
// a store's contract as its header states it. What one backend does and the
// other does not fails here, not in a deployment that switched databases.
// Store level: the HTTP answers built from these results are ServerFlows's.
// KeyStore is not here: it answers bool and a message rather than Result,
// and TestKeyStore runs on both backends already. Rows whose backend answers
// otherwise are marked QEXPECT_FAIL with the reason, until the store is fixed.

#include "AccountStore.h"
#include "ClaimNames.h"
#include "Clock.h"
#include "Database.h"
#include "DatabaseUrl.h"
#include "DeviceGrantStore.h"
#include "ErrorCodes.h"
#include "KeyCipher.h"
#include "OnboardingStore.h"
#include "Pkce.h"
#include "Protocol.h"
#include "ResultAssert.h"
#include "SignInStore.h"
#include "StoreInstance.h"
#include "TestDatabase.h"
#include "TokenStore.h"

#include <QSemaphore>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <array>
#include <functional>
#include <latch>
#include <thread>

Q_DECLARE_METATYPE(Account)

namespace {

constexpr int MaxPerAddress = StoreInstance::MaxPendingPerAddress;
const QByteArray Verifier = QByteArray(43, 'v');
const QString ClientId = QLatin1String(Protocol::DefaultClientId);
const QString RedirectUri = QStringLiteral("http://127.0.0.1:5000/callback");

using Instance = StoreInstance;

Account person(const QString &username, const QString &email = {}, bool verified = false)
{
    return Account{{}, username, username.toUpper(), email, verified};
}

AuthorizationGrant grantFor(const QString &userId)
{
    AuthorizationGrant grant;
    grant.clientId = ClientId;
    grant.redirectUri = RedirectUri;
    grant.codeChallenge = QString::fromLatin1(Pkce::challengeFor(Verifier));
    grant.nonce = QStringLiteral("nonce-") + userId;
    grant.scope = QLatin1String(Protocol::DefaultScope);
    grant.identity = {QStringLiteral("qa:github"), userId, QString()};
    grant.authTime = 1700000000;
    return grant;
}

const CodePresentation Presented{ClientId, RedirectUri, Verifier};

TokenStore::Issue issuing(const CodeResult &result, int *calls = nullptr)
{
    return [result, calls](const AuthorizationGrant &) {
        if (calls)
            ++*calls;
        return Result<CodeResult>(result);
    };
}

OnboardingRequest onboardingOf(const QString &jti, const QString &key, const Account &wanted,
                               const QString &providerUserId, const QString &scope)
{
    return {jti,
            key,
            QDateTime::currentSecsSinceEpoch() + Protocol::OnboardingTokenLifetimeSeconds,
            wanted,
            {QStringLiteral("qa:github"), providerUserId, QString()},
            ClientId,
            scope,
            1700000000};
}

PendingSignIn pendingFrom(const QString &address, qint64 createdAt)
{
    PendingSignIn p;
    p.clientId = ClientId;
    p.redirectUri = RedirectUri;
    p.state = QStringLiteral("state-") + address;
    p.nonce = QStringLiteral("nonce-") + address;
    p.codeChallenge = QString::fromLatin1(Pkce::challengeFor(Verifier));
    p.scope = QLatin1String(Protocol::DefaultScope);
    p.loginHint = QStringLiteral("alice");
    p.createdAt = createdAt;
    p.clientAddress = address;
    return p;
}

// Rows of `table` whose `column` is `value`, read past the stores.
int rowsWhere(Database &db, const QString &table, const QString &column, const QVariant &value)
{
    QSqlQuery q(db.connection());
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2 = ?").arg(table, column));
    q.addBindValue(value);
    return q.exec() && q.next() ? q.value(0).toInt() : -1;
}

int rowsOf(Database &db, const QString &table)
{
    QSqlQuery q(db.connection());
    return q.exec(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)) && q.next() ? q.value(0).toInt() : -1;
}

// Runs `second` at another instance, from a thread of its own (a connection
// serves the thread that opened it), while `a` holds a transaction in which
// `first` ran; then commits or rolls it back. `second` meets A's rows at a
// unique index (PostgreSQL) or at the write lock (SQLite) and must wait for
// A's outcome. Nullopt when a step of the set-up failed.
template<typename T>
std::optional<T> whileUncommitted(Instance &a, const DatabaseUrl &url, const std::function<bool()> &first,
                                  const std::function<T(Instance &)> &second, bool commit = true)
{
    QSemaphore ready;
    QSemaphore go;
    std::optional<T> result;
    std::thread b([&] {
        Instance instance(url);
        ready.release();
        go.acquire();
        if (instance.ok)
            result.emplace(second(instance));
    });
    ready.acquire();
    const bool began = a.db.begin();
    const bool firstDone = began && first();
    go.release();
    // Long enough for B to reach A's rows and wait there.
    QThread::msleep(300);
    const bool ended = commit ? a.db.commit() : (a.db.rollback(), true);
    b.join();
    return firstDone && ended ? result : std::nullopt;
}

} // namespace

class TestStoreConformance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data() { TestDatabase::addBackendRows(); }
    void init();
    void cleanup();

    // SignInStore
    void signInRoundTrip();
    void signInExpiresAfterLifetime();
    void addEvictsOnlyTheAddressOwnOldest();
    void addRefusesWhenTheServerIsFull();
    void floodFromManyAddressesLeavesRoom();
    void overshootOfOneAddressIsTrimmed();
    void attachUpstreamSealsVerifierAndBindsBrowser();
    void attachUpstreamStartsOver();
    void upstreamStateBelongsToOneSignIn();
    void sealedVerifierOpensOnlyInItsSignIn();
    void claimIsWonOnce();
    void claimRaceHasOneWinner();

    // TokenStore: codes
    void codeRoundTrip();
    void codeErrors_data();
    void codeErrors();
    void codeReplayRevokesWhatItIssued_data();
    void codeReplayRevokesWhatItIssued();

    // TokenStore: refresh families and onboarding records
    void familyRoundTrip();
    void rotateIssuesSuccessor();
    void rotateErrors_data();
    void rotateErrors();
    void graceAcceptsPreviousTokenOnce();
    void graceEndsWhenSuccessorIsUsed();
    void graceLastsSixtySeconds_data();
    void graceLastsSixtySeconds();
    void revokeRefreshToken_data();
    void revokeRefreshToken();
    void revokeFamilyAndSession();
    void onboardingRecords();
    void purgeExpiredRemovesOnlyTheExpired();

    // AccountStore
    void accountRoundTrip();
    void findByVerifiedEmail_data();
    void findByVerifiedEmail();
    void upgradeKeysStoredEmails();
    void addConflicts_data();
    void addConflicts();
    void concurrentAddHasOneWinner_data();
    void concurrentAddHasOneWinner();
    void linkAndProviders();
    void identityIssuerMatters();
    void upgradeRecordsIssuers();
    // LinkStore
    void linkTakenOnceAcrossInstances();
    void linkTakeChecksClientAndExpiry();
    void pendingLinkLosesToAConcurrentOnboarding_data();
    void pendingLinkLosesToAConcurrentOnboarding();
    void addLinkKeepsOthersIdentities();

    // DeviceGrantStore
    void deviceGrantRoundTrip();
    void deviceGrantDecidedOnceAcrossInstances_data();
    void deviceGrantDecidedOnceAcrossInstances();
    void deviceGrantPollsAcrossInstances();

    // OnboardingStore
    void onboardCreatesAccountAndSession_data();
    void onboardCreatesAccountAndSession();
    void onboardErrors_data();
    void onboardErrors();
    void onboardReplaysTheSameKey();
    void concurrentOnboardingOfOneIdentity_data();
    void concurrentOnboardingOfOneIdentity();

    // Database: what the stores rely on beneath them
    void constraintViolationIsAnAnswer_data();
    void constraintViolationIsAnAnswer();

private:
    Result<QString> addSignIn(const QString &address);
    std::optional<Account> addAccount(const Account &account);
    QStringList undoVersion7() const;
    // Sam with his GitHub identity, and a pending link of a Google identity to his account.
    std::optional<std::pair<Account, LinkRequest>> samWithPendingLink(const QString &jti);
    // A family of a fresh account, with its first refresh token.
    std::optional<std::pair<TokenFamily, QByteArray>> newFamily();
    // Whether a backend-specific expectation failure is known for this row.
    void expectFailureOn(const QString &knownOn, const char *why);

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<TestDatabase> m_database;
    DatabaseUrl m_url;
    std::unique_ptr<Instance> m_a;
};

void TestStoreConformance::init()
{
    LATCHKEY_USE_BACKEND();
    QFETCH_GLOBAL(QString, backend);
    // A SQLite file of each test's own, as PostgreSQL gets a database of its own.
    m_dataDir = std::make_unique<QTemporaryDir>();
    m_database = std::make_unique<TestDatabase>(backend);
    QVERIFY2(m_database->error().isEmpty(), qPrintable(m_database->error()));
    const auto url = DatabaseUrl::parse(m_database->url(), m_dataDir->path());
    QVERIFY_OK(url);
    m_url = *url;
    m_a = std::make_unique<Instance>(m_url);
    QVERIFY(m_a->ok);
}

void TestStoreConformance::cleanup()
{
    m_a.reset();
    m_database.reset();
    m_dataDir.reset();
}

Result<QString> TestStoreConformance::addSignIn(const QString &address)
{
    return m_a->signIns.add(pendingFrom(address, m_a->clock.now()));
}

std::optional<Account> TestStoreConformance::addAccount(const Account &account)
{
    const auto added = m_a->accounts.add(account);
    return added ? std::optional<Account>(*added) : std::nullopt;
}

std::optional<std::pair<TokenFamily, QByteArray>> TestStoreConformance::newFamily()
{
    static int made = 0;
    const auto account = addAccount(person(QStringLiteral("holder%1").arg(++made)));
    if (!account)
        return std::nullopt;
    QByteArray token;
    const auto created = m_a->tokens.createFamily(account->id, ClientId, QLatin1String(Protocol::DefaultScope),
                                                  1700000000, &token);
    return created ? std::optional(std::pair(*created, token)) : std::nullopt;
}

void TestStoreConformance::expectFailureOn(const QString &knownOn, const char *why)
{
    QFETCH_GLOBAL(QString, backend);
    if (knownOn == backend)
        QEXPECT_FAIL("", why, Abort);
}

// ---- SignInStore ----

void TestStoreConformance::signInRoundTrip()
{
    const PendingSignIn wanted = pendingFrom(QStringLiteral("192.0.2.1"), m_a->clock.now());
    const auto id = m_a->signIns.add(wanted);
    QVERIFY(id);
    QVERIFY(!id->isEmpty());
    const auto found = m_a->signIns.find(*id);
    QVERIFY(found && *found);
    const PendingSignIn &p = **found;
    QCOMPARE(p.id, *id);
    QCOMPARE(p.clientId, wanted.clientId);
    QCOMPARE(p.redirectUri, wanted.redirectUri);
    QCOMPARE(p.state, wanted.state);
    QCOMPARE(p.nonce, wanted.nonce);
    QCOMPARE(p.codeChallenge, wanted.codeChallenge);
    QCOMPARE(p.scope, wanted.scope);
    QCOMPARE(p.loginHint, wanted.loginHint);
    QCOMPARE(p.createdAt, wanted.createdAt);
    QCOMPARE(p.clientAddress, wanted.clientAddress);
    QVERIFY(p.providerId.isEmpty());
    QVERIFY(!p.finished);
    // Another sign-in gets another id.
    const auto other = addSignIn(QStringLiteral("192.0.2.1"));
    QVERIFY(other);
    QVERIFY(*other != *id);
}

void TestStoreConformance::signInExpiresAfterLifetime()
{
    const auto id = addSignIn(QStringLiteral("192.0.2.1"));
    QVERIFY(id);
    // Margins either side of Lifetime: the clock's real seconds run on meanwhile.
    m_a->clock.advance(SignInStore::Lifetime - 5);
    auto found = m_a->signIns.find(*id);
    QVERIFY(found && *found);
    m_a->clock.advance(10);
    found = m_a->signIns.find(*id);
    QVERIFY(found);
    QVERIFY2(!*found, "a sign-in was found after its lifetime");
    for (const QString &unknown : {QString(), QStringLiteral("no-such-sign-in")}) {
        const auto none = m_a->signIns.find(unknown);
        QVERIFY(none);
        QVERIFY(!*none);
    }
}

void TestStoreConformance::addEvictsOnlyTheAddressOwnOldest()
{
    const QString crowded = QStringLiteral("192.0.2.1");
    QStringList ids;
    for (int i = 0; i < MaxPerAddress; ++i) {
        const auto id = addSignIn(crowded);
        QVERIFY(id);
        ids.append(*id);
    }
    const auto neighbour = addSignIn(QStringLiteral("192.0.2.2"));
    QVERIFY(neighbour);
    for (int extra = 0; extra < 2; ++extra) {
        const auto id = addSignIn(crowded);
        QVERIFY(id);
        ids.append(*id);
    }
    // Two over the cap: the address's two oldest went, in order, and nobody else's.
    for (int i = 0; i < ids.size(); ++i) {
        const auto found = m_a->signIns.find(ids.at(i));
        QVERIFY(found);
        QVERIFY2(found->has_value() == (i >= 2), qPrintable(QStringLiteral("sign-in %1 of the address").arg(i)));
    }
    const auto kept = m_a->signIns.find(*neighbour);
    QVERIFY(kept && *kept);
}

// 20 addresses holding 50 sign-ins each fill the server: a new person still
// starts one, and it is the flooders who lose their oldest.
void TestStoreConformance::floodFromManyAddressesLeavesRoom()
{
    constexpr int Addresses = StoreInstance::MaxPending / 50;
    QSqlQuery fill(m_a->db.connection());
    QVERIFY(fill.exec(QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %1) "
                                     "INSERT INTO pending_sign_ins (id, client_id, redirect_uri, state, nonce, "
                                     "code_challenge, scope, client_address, created_at, arrival) "
                                     "SELECT 'flood-' || i, 'c', 'r', 's', 'n', 'x', 'openid', 'flood-' || (i % %2), "
                                     "%3, i FROM n")
                          .arg(StoreInstance::MaxPending)
                          .arg(Addresses)
                          .arg(m_a->clock.now())));
    for (int person = 1; person <= 3; ++person) {
        const auto added = addSignIn(QStringLiteral("192.0.2.%1").arg(person));
        QVERIFY2(added, qPrintable(added ? QString() : added.error().description));
    }
    QCOMPARE(rowsOf(m_a->db, QStringLiteral("pending_sign_ins")), StoreInstance::MaxPending);
}

// Two instances (or worker threads) adding for one address at once could
// each evict the same oldest row and both insert: the address then held one
// more than its cap, for good (issue 20, found behind nginx). The next add
// trims it back, whatever it found.
void TestStoreConformance::overshootOfOneAddressIsTrimmed()
{
    constexpr int Over = StoreInstance::MaxPendingPerAddress + 5;
    QSqlQuery fill(m_a->db.connection());
    QVERIFY(fill.exec(QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %1) "
                                     "INSERT INTO pending_sign_ins (id, client_id, redirect_uri, state, nonce, "
                                     "code_challenge, scope, client_address, created_at, arrival) "
                                     "SELECT 'raced-' || i, 'c', 'r', 's', 'n', 'x', 'openid', '192.0.2.9', %2, i "
                                     "FROM n")
                          .arg(Over)
                          .arg(m_a->clock.now())));
    const auto added = addSignIn(QStringLiteral("192.0.2.9"));
    QVERIFY2(added, qPrintable(added ? QString() : added.error().description));
    QCOMPARE(rowsOf(m_a->db, QStringLiteral("pending_sign_ins")), StoreInstance::MaxPendingPerAddress);
    // The newest stay: the oldest went.
    QVERIFY_OK(m_a->signIns.find(QStringLiteral("raced-%1").arg(Over)));
    QVERIFY(m_a->signIns.find(QStringLiteral("raced-%1").arg(Over))->has_value());
    QVERIFY(!m_a->signIns.find(QStringLiteral("raced-1"))->has_value());
}

void TestStoreConformance::addRefusesWhenTheServerIsFull()
{
    // Filled past the store: MaxPending adds would take minutes, each one counting the table.
    QSqlQuery fill(m_a->db.connection());
    QVERIFY(fill.exec(QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %1) "
                                     "INSERT INTO pending_sign_ins (id, client_id, redirect_uri, state, nonce, "
                                     "code_challenge, scope, client_address, created_at, arrival) "
                                     "SELECT 'filler-' || i, 'c', 'r', 's', 'n', 'x', 'openid', 'filler-' || i, %2, i "
                                     "FROM n")
                          .arg(StoreInstance::MaxPending)
                          .arg(m_a->clock.now())));
    const auto refused = addSignIn(QStringLiteral("192.0.2.1"));
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, QByteArray(ErrorCode::TemporarilyUnavailable));
    QCOMPARE(refused.error().status, 503);
    QVERIFY(refused.error().retryAfter > 0);
    QVERIFY(SignInStore::isBusy(refused.error()));
    QVERIFY(!SignInStore::isBusy(ServerError::unavailable(QStringLiteral("the database is gone"))));
    QCOMPARE(rowsOf(m_a->db, QStringLiteral("pending_sign_ins")), StoreInstance::MaxPending);
    // Expired sign-ins make room again.
    m_a->clock.advance(SignInStore::Lifetime + 1);
    const auto added = addSignIn(QStringLiteral("192.0.2.1"));
    QVERIFY(added);
    QCOMPARE(rowsOf(m_a->db, QStringLiteral("pending_sign_ins")), 1);
}

void TestStoreConformance::attachUpstreamSealsVerifierAndBindsBrowser()
{
    const auto id = addSignIn(QStringLiteral("192.0.2.1"));
    QVERIFY(id);
    const UpstreamAttempt attempt{QStringLiteral("upstream-state"), QStringLiteral("upstream-nonce"),
                                  QByteArray("upstream-verifier-0123456789-0123456789-0123"),
                                  QStringLiteral("https://id.example/upstream/qa/callback")};
    const QByteArray binding = "browser-cookie";
    QVERIFY(m_a->signIns.attachUpstream(*id, QStringLiteral("qa:github"), attempt, binding));
    const auto found = m_a->signIns.find(*id);
    QVERIFY(found && *found);
    const PendingSignIn &p = **found;
    QCOMPARE(p.providerId, QStringLiteral("qa:github"));
    QCOMPARE(p.upstream.state, attempt.state);
    QCOMPARE(p.upstream.nonce, attempt.nonce);
    QCOMPARE(p.upstream.verifier, attempt.verifier);
    QCOMPARE(p.upstream.redirectUri, attempt.redirectUri);
    QVERIFY(SignInStore::isBoundTo(p, binding));
    QVERIFY(!SignInStore::isBoundTo(p, "another-browser"));
    QVERIFY(!SignInStore::isBoundTo(p, QByteArray()));
    // Neither secret is stored as it was given.
    QCOMPARE(rowsWhere(m_a->db, QStringLiteral("pending_sign_ins"), QStringLiteral("upstream_verifier"),
                       QString::fromLatin1(attempt.verifier)),
             0);
    QCOMPARE(rowsWhere(m_a->db, QStringLiteral("pending_sign_ins"), QStringLiteral("browser_binding_hash"),
                       QString::fromLatin1(binding)),
             0);
    const auto byState = m_a->signIns.findByUpstreamState(attempt.state);
    QVERIFY(byState);
    QCOMPARE(*byState, *id);
    for (const QString &unknown : {QString(), QStringLiteral("no-such-state")}) {
        const auto none = m_a->signIns.findByUpstreamState(unknown);
        QVERIFY(none);
        QVERIFY(none->isEmpty());
    }
}

void TestStoreConformance::attachUpstreamStartsOver()
{
    const auto id = addSignIn(QStringLiteral("192.0.2.1"));
    QVERIFY(id);
    const UpstreamAttempt first{QStringLiteral("first-state"), QStringLiteral("n1"), QByteArray(43, 'a'),
                                QStringLiteral("https://id.example/upstream/github/callback")};
    const UpstreamAttempt second{QStringLiteral("second-state"), QString(), QByteArray(),
                                 QStringLiteral("https://id.example/upstream/google/callback")};
    QVERIFY(m_a->signIns.attachUpstream(*id, QStringLiteral("github"), first, "b1"));
    QVERIFY(m_a->signIns.attachUpstream(*id, QStringLiteral("google"), second, "b2"));
    const auto found = m_a->signIns.find(*id);
    QVERIFY(found && *found);
    QCOMPARE((*found)->providerId, QStringLiteral("google"));
    QCOMPARE((*found)->upstream.state, second.state);
    QVERIFY((*found)->upstream.nonce.isEmpty());
    QVERIFY((*found)->upstream.verifier.isEmpty());
    QVERIFY(SignInStore::isBoundTo(**found, "b2"));
    QVERIFY(!SignInStore::isBoundTo(**found, "b1"));
    const auto old = m_a->signIns.findByUpstreamState(first.state);
    QVERIFY(old);
    QVERIFY2(old->isEmpty(), "the abandoned upstream attempt still leads to the sign-in");
}

// The upstream's answer names one sign-in: a state already taken is refused,
// and the sign-in that holds it keeps it.
void TestStoreConformance::upstreamStateBelongsToOneSignIn()
{
    const auto holder = addSignIn(QStringLiteral("192.0.2.1"));
    const auto other = addSignIn(QStringLiteral("192.0.2.2"));
    QVERIFY(holder && other);
    const UpstreamAttempt attempt{QStringLiteral("shared-state"), {}, {}, RedirectUri};
    QVERIFY(m_a->signIns.attachUpstream(*holder, QStringLiteral("github"), attempt, "b"));
    const auto refused = m_a->signIns.attachUpstream(*other, QStringLiteral("github"), attempt, "b");
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, QByteArray(ErrorCode::TemporarilyUnavailable));
    QCOMPARE(refused.error().status, 503);
    QVERIFY(!SignInStore::isBusy(refused.error()));
    const auto byState = m_a->signIns.findByUpstreamState(attempt.state);
    QVERIFY(byState);
    QCOMPARE(*byState, *holder);
    const auto unchanged = m_a->signIns.find(*other);
    QVERIFY(unchanged && *unchanged);
    QVERIFY((*unchanged)->providerId.isEmpty());
}

void TestStoreConformance::sealedVerifierOpensOnlyInItsSignIn()
{
    const auto sealedIn = addSignIn(QStringLiteral("192.0.2.1"));
    const auto copiedTo = addSignIn(QStringLiteral("192.0.2.2"));
    QVERIFY(sealedIn && copiedTo);
    QVERIFY(m_a->signIns.attachUpstream(*sealedIn, QStringLiteral("github"),
                                        {QStringLiteral("s1"), {}, QByteArray(43, 'a'), RedirectUri}, "b"));
    QVERIFY(m_a->signIns.attachUpstream(*copiedTo, QStringLiteral("github"),
                                        {QStringLiteral("s2"), {}, QByteArray(43, 'b'), RedirectUri}, "b"));
    QSqlQuery copy(m_a->db.connection());
    copy.prepare(QStringLiteral("UPDATE pending_sign_ins SET upstream_verifier = (SELECT upstream_verifier FROM "
                                "pending_sign_ins WHERE id = ?) WHERE id = ?"));
    copy.addBindValue(*sealedIn);
    copy.addBindValue(*copiedTo);
    QVERIFY(copy.exec());
    const auto found = m_a->signIns.find(*copiedTo);
    QVERIFY(found && *found);
    QVERIFY2((*found)->upstream.verifier.isEmpty(), "a verifier sealed for another sign-in opened");
}

void TestStoreConformance::claimIsWonOnce()
{
    const auto id = addSignIn(QStringLiteral("192.0.2.1"));
    QVERIFY(id);
    auto claim = m_a->signIns.claim(*id);
    QVERIFY(claim);
    QCOMPARE(*claim, SignInStore::Claim::Won);
    claim = m_a->signIns.claim(*id);
    QVERIFY(claim);
    QCOMPARE(*claim, SignInStore::Claim::AlreadyFinished);
    // Finished sign-ins are still found, as finished, and no longer start over upstream.
    QVERIFY(
        m_a->signIns.attachUpstream(*id, QStringLiteral("github"), {QStringLiteral("late"), {}, {}, RedirectUri}, "b"));
    const auto found = m_a->signIns.find(*id);
    QVERIFY(found && *found);
    QVERIFY((*found)->finished);
    QVERIFY((*found)->providerId.isEmpty());
    claim = m_a->signIns.claim(QStringLiteral("no-such-sign-in"));
    QVERIFY(claim);
    QCOMPARE(*claim, SignInStore::Claim::AlreadyFinished);
}

// Two instances claim the same sign-ins at the same moment, each from a
// thread of its own (a connection serves the thread that opened it).
void TestStoreConformance::claimRaceHasOneWinner()
{
    constexpr int SignIns = 20;
    QStringList ids;
    for (int i = 0; i < SignIns; ++i) {
        const auto id = addSignIn(QStringLiteral("198.51.100.%1").arg(i));
        QVERIFY(id);
        ids.append(*id);
    }
    std::latch start(2);
    std::array<std::array<int, SignIns>, 2> outcomes{}; // 1 won, 0 finished, -1 error
    auto racer = [&](int which) {
        Instance instance(m_url);
        start.arrive_and_wait();
        for (int i = 0; i < SignIns; ++i) {
            const auto claim = instance.ok ? instance.signIns.claim(ids.at(i))
                                           : Result<SignInStore::Claim>(ServerError());
            outcomes[which][i] = !claim ? -1 : *claim == SignInStore::Claim::Won ? 1 : 0;
        }
    };
    std::thread first(racer, 0);
    std::thread second(racer, 1);
    first.join();
    second.join();
    for (int i = 0; i < SignIns; ++i) {
        QVERIFY2(outcomes[0][i] >= 0 && outcomes[1][i] >= 0, "a claim failed");
        QCOMPARE(outcomes[0][i] + outcomes[1][i], 1);
    }
}

// ---- DeviceGrantStore ----

namespace {
// What a device grant's approval binds its code to (SignInFlow::approveDevice).
AuthorizationGrant deviceGrantFor(const QString &key, const QString &userId)
{
    AuthorizationGrant grant = grantFor(userId);
    grant.redirectUri = QLatin1String(Protocol::DeviceCodeGrantType);
    grant.codeChallenge = key;
    grant.nonce.clear();
    return grant;
}

CodePresentation devicePresentation(const QByteArray &deviceCode)
{
    return {ClientId, QLatin1String(Protocol::DeviceCodeGrantType), deviceCode};
}
} // namespace

void TestStoreConformance::deviceGrantRoundTrip()
{
    const auto created = m_a->devices.create(ClientId, QLatin1String(Protocol::DefaultScope));
    QVERIFY_OK(created);
    QVERIFY(created->deviceCode.size() >= 43);
    QCOMPARE(created->userCode.size(), 9);
    QCOMPARE(created->expiresIn, qint64(Protocol::DeviceCodeLifetimeSeconds));
    const QString key = DeviceGrantStore::keyOf(created->deviceCode);
    // Stored as hashes only: neither code is in the table.
    QCOMPARE(rowsWhere(m_a->db, QStringLiteral("device_grants"), QStringLiteral("device_code_hash"), key), 1);
    QSqlQuery q(m_a->db.connection());
    QVERIFY(q.exec(QStringLiteral("SELECT * FROM device_grants")));
    while (q.next()) {
        for (int i = 0; i < q.record().count(); ++i) {
            const QByteArray value = q.value(i).toByteArray();
            QVERIFY(!value.contains(created->deviceCode));
            QVERIFY(!value.contains(QString(created->userCode).remove(u'-').toLatin1()));
        }
    }
    for (const QString &typed :
         {created->userCode, created->userCode.toLower(), QString(created->userCode).remove(u'-')}) {
        const auto found = m_a->devices.findByUserCode(typed);
        QVERIFY(found && *found);
        QCOMPARE((*found)->key, key);
        QCOMPARE((*found)->clientId, ClientId);
        QCOMPARE((*found)->scope, QLatin1String(Protocol::DefaultScope));
        QCOMPARE((*found)->status, DeviceGrant::Status::Pending);
    }
    const auto byKey = m_a->devices.find(key);
    QVERIFY(byKey && *byKey);
    QCOMPARE((*byKey)->expiresAt, m_a->clock.now() + Protocol::DeviceCodeLifetimeSeconds);
    for (const QString &wrong : {QStringLiteral("BBBB-BBBB"), QStringLiteral("BCD"), QString()}) {
        const auto none = m_a->devices.findByUserCode(wrong);
        QVERIFY(none && !*none);
    }
    m_a->clock.advance(Protocol::DeviceCodeLifetimeSeconds + 1);
    const auto expired = m_a->devices.findByUserCode(created->userCode);
    QVERIFY(expired && !*expired);
    QCOMPARE(m_a->devices.deny(key).value_or(true), false);
}

void TestStoreConformance::deviceGrantDecidedOnceAcrossInstances_data()
{
    QTest::addColumn<bool>("secondDenies");
    QTest::newRow("two approvals") << false;
    QTest::newRow("an approval and a denial") << true;
}

// Two instances decide the same grants at once (two browsers that entered
// one code): each grant is decided once, and has a code only when approved.
void TestStoreConformance::deviceGrantDecidedOnceAcrossInstances()
{
    QFETCH(bool, secondDenies);
    constexpr int Grants = 10;
    QList<DeviceAuthorization> grants;
    for (int i = 0; i < Grants; ++i) {
        const auto created = m_a->devices.create(ClientId, QLatin1String(Protocol::DefaultScope));
        QVERIFY_OK(created);
        grants.append(*created);
    }
    std::latch start(2);
    std::array<std::array<int, Grants>, 2> outcomes{}; // 1 decided, 0 too late, -1 error
    auto racer = [&](int which) {
        Instance instance(m_url);
        start.arrive_and_wait();
        for (int i = 0; i < Grants; ++i) {
            const QString key = DeviceGrantStore::keyOf(grants.at(i).deviceCode);
            const QByteArray codeHash = TokenStore::hash(grants.at(i).deviceCode);
            const auto decided = !instance.ok ? Result<bool>(ServerError())
                : which == 1 && secondDenies
                ? instance.devices.deny(key)
                : instance.devices.approve(key, [&] {
                      return instance.tokens.createDeviceCode(codeHash, deviceGrantFor(key, QStringLiteral("u")),
                                                              instance.clock.now() + 600);
                  });
            outcomes[which][i] = !decided ? -1 : *decided ? 1 : 0;
        }
    };
    std::thread first(racer, 0);
    std::thread second(racer, 1);
    first.join();
    second.join();
    for (int i = 0; i < Grants; ++i) {
        QVERIFY2(outcomes[0][i] >= 0 && outcomes[1][i] >= 0, "a decision failed");
        QCOMPARE(outcomes[0][i] + outcomes[1][i], 1);
        const QString key = DeviceGrantStore::keyOf(grants.at(i).deviceCode);
        const auto grant = m_a->devices.find(key);
        QVERIFY(grant && *grant);
        const bool approved = !secondDenies || outcomes[0][i] == 1;
        QCOMPARE((*grant)->status, approved ? DeviceGrant::Status::Approved : DeviceGrant::Status::Denied);
        QCOMPARE(rowsWhere(m_a->db, QStringLiteral("authorization_codes"), QStringLiteral("code_hash"),
                           TokenStore::hash(grants.at(i).deviceCode)),
                 approved ? 1 : 0);
    }
}

void TestStoreConformance::deviceGrantPollsAcrossInstances()
{
    const auto created = m_a->devices.create(ClientId, QLatin1String(Protocol::DefaultScope));
    QVERIFY_OK(created);
    const QByteArray deviceCode = created->deviceCode;
    const QString key = DeviceGrantStore::keyOf(deviceCode);
    Instance b(m_url);
    QVERIFY(b.ok);
    using Poll = DeviceGrantStore::Poll;
    QCOMPARE(m_a->devices.poll(deviceCode, ClientId).value_or(Poll::Unknown), Poll::Pending);
    // The interval is the grant's, wherever the next poll lands.
    QCOMPARE(b.devices.poll(deviceCode, ClientId).value_or(Poll::Unknown), Poll::SlowDown);
    m_a->clock.advance(5);
    QCOMPARE(m_a->devices.poll(deviceCode, ClientId).value_or(Poll::Unknown), Poll::SlowDown); // now 10 s
    m_a->clock.advance(10);
    QCOMPARE(m_a->devices.poll(deviceCode, ClientId).value_or(Poll::Unknown), Poll::SlowDown); // 10 < 15 s; now 20 s
    m_a->clock.advance(20);
    QCOMPARE(m_a->devices.poll(deviceCode, ClientId).value_or(Poll::Unknown), Poll::Pending); // 20 s
    // Another client's poll is no poll of this grant's.
    m_a->clock.advance(20);
    QCOMPARE(m_a->devices.poll(deviceCode, QStringLiteral("another-app")).value_or(Poll::Pending), Poll::Unknown);
    QCOMPARE(m_a->devices.poll("unknown", ClientId).value_or(Poll::Pending), Poll::Unknown);
    // Approved at B; the code is redeemed once, at either.
    QVERIFY(b.devices
                .approve(key,
                         [&] {
                             return b.tokens.createDeviceCode(TokenStore::hash(deviceCode),
                                                              deviceGrantFor(key, QStringLiteral("u")),
                                                              b.clock.now() + 600);
                         })
                .value_or(false));
    QCOMPARE(m_a->devices.poll(deviceCode, ClientId).value_or(Poll::Unknown), Poll::Approved);
    QVERIFY_OK(m_a->tokens.exchangeCode(deviceCode, devicePresentation(deviceCode), issuing({})));
    const auto replay = b.tokens.exchangeCode(deviceCode, devicePresentation(deviceCode), issuing({}));
    QVERIFY(!replay);
    QCOMPARE(replay.error().code, QByteArray(ErrorCode::InvalidGrant));
    // Past its end the grant is expired_token, approved or not.
    m_a->clock.advance(Protocol::DeviceCodeLifetimeSeconds);
    QCOMPARE(m_a->devices.poll(deviceCode, ClientId).value_or(Poll::Unknown), Poll::Expired);
}

// ---- TokenStore: codes ----

void TestStoreConformance::codeRoundTrip()
{
    AuthorizationGrant grant = grantFor(QStringLiteral("583231"));
    grant.email = QStringLiteral("alice@example.org");
    grant.emailVerified = true;
    grant.name = QStringLiteral("Alice Ärger");
    grant.upstreamUsername = QStringLiteral("alice-gh");
    grant.qaFault = QStringLiteral("token-endpoint-down");
    const auto code = m_a->tokens.createCode(grant);
    QVERIFY(code);
    QVERIFY(code->size() >= 43);
    // Read without spending it.
    QCOMPARE(m_a->tokens.qaFaultOfCode(*code), grant.qaFault);
    QCOMPARE(m_a->tokens.qaFaultOfCode("no-such-code"), QString());
    std::optional<AuthorizationGrant> seen;
    const auto redeemed = m_a->tokens.exchangeCode(*code, Presented, [&](const AuthorizationGrant &g) {
        seen = g;
        return Result<CodeResult>(CodeResult{});
    });
    QVERIFY(redeemed);
    QVERIFY(seen);
    for (const AuthorizationGrant &g : {*redeemed, *seen}) {
        QCOMPARE(g.clientId, grant.clientId);
        QCOMPARE(g.redirectUri, grant.redirectUri);
        QCOMPARE(g.codeChallenge, grant.codeChallenge);
        QCOMPARE(g.nonce, grant.nonce);
        QCOMPARE(g.scope, grant.scope);
        QCOMPARE(g.identity.providerId, grant.identity.providerId);
        QCOMPARE(g.identity.providerUserId, grant.identity.providerUserId);
        QCOMPARE(g.email, grant.email);
        QCOMPARE(g.emailVerified, grant.emailVerified);
        QCOMPARE(g.name, grant.name);
        QCOMPARE(g.upstreamUsername, grant.upstreamUsername);
        QCOMPARE(g.authTime, grant.authTime);
        QCOMPARE(g.qaFault, grant.qaFault);
    }
    // Only its hash is stored.
    QCOMPARE(rowsWhere(m_a->db, QStringLiteral("authorization_codes"), QStringLiteral("code_hash"), *code), 0);
    QCOMPARE(rowsWhere(m_a->db, QStringLiteral("authorization_codes"), QStringLiteral("code_hash"),
                       TokenStore::hash(*code)),
             1);
}

void TestStoreConformance::codeErrors_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<QByteArray>("error");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("redeemable"); // the right request still redeems the code afterwards
    const QByteArray invalidGrant = ErrorCode::InvalidGrant;
    QTest::newRow("unknown code") << "unknown" << invalidGrant << 400 << true;
    QTest::newRow("another client") << "client" << invalidGrant << 400 << true;
    QTest::newRow("another redirect_uri") << "redirect" << invalidGrant << 400 << true;
    QTest::newRow("wrong code_verifier") << "verifier" << invalidGrant << 400 << true;
    QTest::newRow("no code_verifier") << "no verifier" << invalidGrant << 400 << true;
    QTest::newRow("expired") << "expired" << invalidGrant << 400 << false;
    QTest::newRow("issue refused") << "issue" << QByteArray(ErrorCode::EmailInUse) << 409 << true;
    QTest::newRow("used before") << "replay" << invalidGrant << 400 << false;
}

void TestStoreConformance::codeErrors()
{
    QFETCH(QString, fault);
    QFETCH(QByteArray, error);
    QFETCH(int, status);
    QFETCH(bool, redeemable);
    const auto code = m_a->tokens.createCode(grantFor(QStringLiteral("1")));
    QVERIFY(code);
    CodePresentation presented = Presented;
    QByteArray presentedCode = *code;
    Result<CodeResult> issued = CodeResult{};
    if (fault == QLatin1String("unknown"))
        presentedCode = "not-a-code-of-this-server";
    else if (fault == QLatin1String("client"))
        presented.clientId = QStringLiteral("another-client");
    else if (fault == QLatin1String("redirect"))
        presented.redirectUri = QStringLiteral("http://127.0.0.1:5001/callback");
    else if (fault == QLatin1String("verifier"))
        presented.verifier = QByteArray(43, 'w');
    else if (fault == QLatin1String("no verifier"))
        presented.verifier.clear();
    else if (fault == QLatin1String("expired"))
        m_a->clock.advance(Protocol::AuthorizationCodeLifetimeSeconds + 5);
    else if (fault == QLatin1String("issue"))
        issued = ServerError{ErrorCode::EmailInUse, {}, 409};
    else if (fault == QLatin1String("replay"))
        QVERIFY(m_a->tokens.exchangeCode(*code, Presented, issuing({})));
    int calls = 0;
    const auto refused = m_a->tokens.exchangeCode(presentedCode, presented, [&](const AuthorizationGrant &) {
        ++calls;
        return issued;
    });
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, error);
    QCOMPARE(refused.error().status, status);
    QCOMPARE(calls, fault == QLatin1String("issue") ? 1 : 0);
    // A mismatch spends nothing: a party without the verifier cannot burn the sign-in.
    const auto retry = m_a->tokens.exchangeCode(*code, Presented, issuing({}, &calls));
    QCOMPARE(retry.ok(), redeemable);
}

void TestStoreConformance::codeReplayRevokesWhatItIssued_data()
{
    QTest::addColumn<QString>("issued");
    QTest::addColumn<int>("lateBy"); // seconds after the first redemption
    QTest::newRow("session") << "session" << 0;
    QTest::newRow("session, after the code expired") << "session" << Protocol::AuthorizationCodeLifetimeSeconds + 600;
    QTest::newRow("onboarding token") << "onboarding" << 0;
    QTest::newRow("onboarded session") << "onboarded" << 0;
}

void TestStoreConformance::codeReplayRevokesWhatItIssued()
{
    QFETCH(QString, issued);
    QFETCH(int, lateBy);
    const AuthorizationGrant grant = grantFor(QStringLiteral("replayed"));
    const auto code = m_a->tokens.createCode(grant);
    QVERIFY(code);
    const QString jti = QStringLiteral("jti-of-the-code");
    CodeResult result{{}, jti};
    if (issued == QLatin1String("session")) {
        const auto account = addAccount(person(QStringLiteral("returning")));
        QVERIFY(account);
        const auto made = m_a->tokens.createFamily(account->id, ClientId, grant.scope, grant.authTime, nullptr);
        QVERIFY(made);
        result = CodeResult{made->id, {}};
    }
    QVERIFY(m_a->tokens.exchangeCode(*code, Presented, issuing(result)));
    QString sessionId;
    if (issued == QLatin1String("onboarded")) {
        const auto onboarded = m_a->onboardings.onboard(onboardingOf(jti, QStringLiteral("key"),
                                                                     person(QStringLiteral("newcomer")),
                                                                     QStringLiteral("replayed"), grant.scope));
        QVERIFY(onboarded);
        sessionId = onboarded->family.sessionId;
    } else if (issued == QLatin1String("session")) {
        QSqlQuery q(m_a->db.connection());
        q.prepare(QStringLiteral("SELECT session_id FROM token_families WHERE id = ?"));
        q.addBindValue(result.familyId);
        QVERIFY(q.exec() && q.next());
        sessionId = q.value(0).toString();
    }
    m_a->clock.advance(lateBy);
    int calls = 0;
    const auto replay = m_a->tokens.exchangeCode(*code, Presented, issuing({}, &calls));
    QVERIFY(!replay);
    QCOMPARE(replay.error().code, QByteArray(ErrorCode::InvalidGrant));
    QCOMPARE(replay.error().status, 400);
    QCOMPARE(calls, 0);
    if (!sessionId.isEmpty()) {
        const auto active = m_a->tokens.isSessionActive(sessionId);
        QVERIFY(active);
        QVERIFY2(!*active, "the session the code issued outlived its replay");
    }
    if (issued == QLatin1String("onboarding")) {
        const auto record = m_a->tokens.onboarding(jti);
        QVERIFY(record && *record);
        QVERIFY((*record)->revoked);
        const auto onboarded = m_a->onboardings.onboard(onboardingOf(jti, QStringLiteral("key"),
                                                                     person(QStringLiteral("newcomer")),
                                                                     QStringLiteral("replayed"), grant.scope));
        QVERIFY(!onboarded);
        QCOMPARE(onboarded.error().code, QByteArray(ErrorCode::InvalidToken));
    }
}

// ---- TokenStore: refresh families ----

void TestStoreConformance::familyRoundTrip()
{
    const auto account = addAccount(person(QStringLiteral("alice")));
    QVERIFY(account);
    QByteArray token;
    const auto withToken = m_a->tokens.createFamily(account->id, ClientId, QStringLiteral("openid offline_access"),
                                                    1700000000, &token);
    QVERIFY(withToken);
    QCOMPARE(withToken->accountId, account->id);
    QCOMPARE(withToken->clientId, ClientId);
    QCOMPARE(withToken->scope, QStringLiteral("openid offline_access"));
    QCOMPARE(withToken->authTime, qint64(1700000000));
    QVERIFY(!withToken->id.isEmpty() && !withToken->sessionId.isEmpty());
    QVERIFY(withToken->id != withToken->sessionId);
    QVERIFY(token.startsWith(QByteArray(withToken->id.toLatin1() + '.')));
    QCOMPARE(rowsWhere(m_a->db, QStringLiteral("token_families"), QStringLiteral("refresh_hash"),
                       TokenStore::hash(token)),
             1);
    const auto bare = m_a->tokens.createFamily(account->id, ClientId, QStringLiteral("openid"), 1700000000, nullptr);
    QVERIFY(bare);
    QVERIFY(bare->sessionId != withToken->sessionId);
    for (const QString &session : {withToken->sessionId, bare->sessionId}) {
        const auto active = m_a->tokens.isSessionActive(session);
        QVERIFY(active && *active);
    }
    const auto unknown = m_a->tokens.isSessionActive(QStringLiteral("no-such-session"));
    QVERIFY(unknown);
    QVERIFY(!*unknown);
}

void TestStoreConformance::rotateIssuesSuccessor()
{
    const auto made = newFamily();
    QVERIFY(made);
    const auto &[family, first] = *made;
    const auto rotated = m_a->tokens.rotate(first, ClientId, {});
    QVERIFY(rotated);
    QVERIFY(rotated->next != first);
    QVERIFY(rotated->next.startsWith(QByteArray(family.id.toLatin1() + '.')));
    QCOMPARE(rotated->family.id, family.id);
    QCOMPARE(rotated->family.sessionId, family.sessionId);
    QCOMPARE(rotated->family.accountId, family.accountId);
    QCOMPARE(rotated->family.clientId, family.clientId);
    QCOMPARE(rotated->family.scope, family.scope);
    QCOMPARE(rotated->family.authTime, family.authTime);
    // Narrowed within the family's scope.
    const auto narrowed = m_a->tokens.rotate(rotated->next, ClientId, {QStringLiteral("openid")});
    QVERIFY(narrowed);
    const auto again = m_a->tokens.rotate(narrowed->next, ClientId, family.scope.split(u' '));
    QVERIFY(again);
}

void TestStoreConformance::rotateErrors_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<QByteArray>("error");
    QTest::addColumn<bool>("revokes");       // the session is revoked afterwards
    QTest::addColumn<bool>("tokenSurvives"); // the presented family's current token still rotates
    const QByteArray invalidGrant = ErrorCode::InvalidGrant;
    QTest::newRow("no family id") << "no dot" << invalidGrant << false << true;
    QTest::newRow("empty family id") << "leading dot" << invalidGrant << false << true;
    QTest::newRow("unknown family") << "unknown family" << invalidGrant << false << true;
    QTest::newRow("another client") << "client" << invalidGrant << false << true;
    QTest::newRow("another token of the family") << "forged" << invalidGrant << true << false;
    QTest::newRow("revoked session") << "revoked" << invalidGrant << true << false;
    QTest::newRow("expired") << "expired" << invalidGrant << false << false;
    QTest::newRow("scope beyond the grant") << "scope" << QByteArray(ErrorCode::InvalidScope) << false << true;
}

void TestStoreConformance::rotateErrors()
{
    QFETCH(QString, fault);
    QFETCH(QByteArray, error);
    QFETCH(bool, revokes);
    QFETCH(bool, tokenSurvives);
    const auto made = newFamily();
    QVERIFY(made);
    const auto &[family, token] = *made;
    QByteArray presented = token;
    QString client = ClientId;
    QStringList scope;
    if (fault == QLatin1String("no dot"))
        presented = "nodot";
    else if (fault == QLatin1String("leading dot"))
        presented = "." + token.mid(token.indexOf('.') + 1);
    else if (fault == QLatin1String("unknown family"))
        presented = "unknown." + token.mid(token.indexOf('.') + 1);
    else if (fault == QLatin1String("client"))
        client = QStringLiteral("another-client");
    else if (fault == QLatin1String("forged"))
        presented = family.id.toLatin1() + ".forged-secret";
    else if (fault == QLatin1String("revoked"))
        QVERIFY(m_a->tokens.revokeSession(family.sessionId));
    else if (fault == QLatin1String("expired"))
        m_a->clock.advance(Protocol::RefreshTokenIdleLifetimeSeconds + 5);
    else if (fault == QLatin1String("scope"))
        scope = QStringList{QStringLiteral("openid"), QStringLiteral("admin")};
    const auto refused = m_a->tokens.rotate(presented, client, scope);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, error);
    QCOMPARE(refused.error().status, 400);
    const auto active = m_a->tokens.isSessionActive(family.sessionId);
    QVERIFY(active);
    QCOMPARE(*active, !revokes);
    QCOMPARE(m_a->tokens.rotate(token, ClientId, {}).ok(), tokenSurvives);
}

// A rotation's response was lost: the client comes back with the token it
// had, once; its unused successor is retired by that.
void TestStoreConformance::graceAcceptsPreviousTokenOnce()
{
    const auto made = newFamily();
    QVERIFY(made);
    const auto &[family, first] = *made;
    const auto lost = m_a->tokens.rotate(first, ClientId, {});
    QVERIFY(lost);
    m_a->clock.advance(30);
    const auto retried = m_a->tokens.rotate(first, ClientId, {});
    QVERIFY2(retried, "the previous token was refused within the grace");
    QVERIFY(retried->next != lost->next);
    QCOMPARE(retried->family.sessionId, family.sessionId);
    const auto twice = m_a->tokens.rotate(first, ClientId, {});
    QVERIFY2(!twice, "the grace was used twice");
    QCOMPARE(twice.error().code, QByteArray(ErrorCode::InvalidGrant));
    const auto active = m_a->tokens.isSessionActive(family.sessionId);
    QVERIFY(active);
    QVERIFY2(!*active, "a second use of the previous token did not revoke the session");
    QVERIFY(!m_a->tokens.rotate(retried->next, ClientId, {}));
}

void TestStoreConformance::graceEndsWhenSuccessorIsUsed()
{
    const auto made = newFamily();
    QVERIFY(made);
    const auto &[family, first] = *made;
    const auto second = m_a->tokens.rotate(first, ClientId, {});
    QVERIFY(second);
    const auto third = m_a->tokens.rotate(second->next, ClientId, {});
    QVERIFY(third);
    const auto old = m_a->tokens.rotate(first, ClientId, {});
    QVERIFY(!old);
    QCOMPARE(old.error().code, QByteArray(ErrorCode::InvalidGrant));
    const auto active = m_a->tokens.isSessionActive(family.sessionId);
    QVERIFY(active);
    QVERIFY(!*active);
}

void TestStoreConformance::graceLastsSixtySeconds_data()
{
    QTest::addColumn<int>("after");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("within") << TokenStore::RefreshGraceSeconds - 5 << true;
    QTest::newRow("after") << TokenStore::RefreshGraceSeconds + 5 << false;
}

void TestStoreConformance::graceLastsSixtySeconds()
{
    QFETCH(int, after);
    QFETCH(bool, accepted);
    const auto made = newFamily();
    QVERIFY(made);
    const auto &[family, first] = *made;
    const auto lost = m_a->tokens.rotate(first, ClientId, {});
    QVERIFY(lost);
    m_a->clock.advance(after);
    const auto retried = m_a->tokens.rotate(first, ClientId, {});
    QCOMPARE(retried.ok(), accepted);
    const auto active = m_a->tokens.isSessionActive(family.sessionId);
    QVERIFY(active);
    QCOMPARE(*active, accepted);
}

void TestStoreConformance::revokeRefreshToken_data()
{
    QTest::addColumn<QString>("presented");
    QTest::addColumn<bool>("revoked");
    QTest::newRow("current token") << "current" << true;
    QTest::newRow("previous token within the grace") << "previous" << true;
    QTest::newRow("previous token after the grace") << "previous late" << false;
    QTest::newRow("another client's") << "client" << false;
    QTest::newRow("no family id") << "no dot" << false;
    QTest::newRow("unknown family") << "unknown family" << false;
    QTest::newRow("forged secret") << "forged" << false;
}

void TestStoreConformance::revokeRefreshToken()
{
    QFETCH(QString, presented);
    QFETCH(bool, revoked);
    const auto made = newFamily();
    QVERIFY(made);
    const auto &[family, first] = *made;
    const auto rotated = m_a->tokens.rotate(first, ClientId, {});
    QVERIFY(rotated);
    QByteArray token = rotated->next;
    QString client = ClientId;
    if (presented.startsWith(QLatin1String("previous")))
        token = first;
    if (presented == QLatin1String("previous late"))
        m_a->clock.advance(TokenStore::RefreshGraceSeconds + 5);
    else if (presented == QLatin1String("client"))
        client = QStringLiteral("another-client");
    else if (presented == QLatin1String("no dot"))
        token = "nodot";
    else if (presented == QLatin1String("unknown family"))
        token = "unknown." + first.mid(first.indexOf('.') + 1);
    else if (presented == QLatin1String("forged"))
        token = family.id.toLatin1() + ".forged-secret";
    const auto answer = m_a->tokens.revokeRefreshToken(token, client);
    QVERIFY(answer);
    QCOMPARE(*answer, revoked);
    const auto active = m_a->tokens.isSessionActive(family.sessionId);
    QVERIFY(active);
    QCOMPARE(*active, !revoked);
}

void TestStoreConformance::revokeFamilyAndSession()
{
    const auto one = newFamily();
    const auto two = newFamily();
    QVERIFY(one && two);
    QVERIFY(m_a->tokens.revokeFamily(one->first.id));
    auto active = m_a->tokens.isSessionActive(one->first.sessionId);
    QVERIFY(active && !*active);
    active = m_a->tokens.isSessionActive(two->first.sessionId);
    QVERIFY2(active && *active, "revoking one family revoked another");
    QVERIFY(m_a->tokens.revokeSession(two->first.sessionId));
    active = m_a->tokens.isSessionActive(two->first.sessionId);
    QVERIFY(active && !*active);
    // Revoking again, or what is not there, is no error.
    QVERIFY(m_a->tokens.revokeFamily(one->first.id));
    QVERIFY(m_a->tokens.revokeFamily(QStringLiteral("no-such-family")));
    QVERIFY(m_a->tokens.revokeSession(QStringLiteral("no-such-session")));
    for (const auto &made : {*one, *two}) {
        const auto refused = m_a->tokens.rotate(made.second, ClientId, {});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QByteArray(ErrorCode::InvalidGrant));
    }
}

void TestStoreConformance::onboardingRecords()
{
    const auto none = m_a->tokens.onboarding(QStringLiteral("unknown-jti"));
    QVERIFY(none);
    QVERIFY(!*none);
    const qint64 expiresAt = m_a->clock.now() + Protocol::OnboardingTokenLifetimeSeconds;
    QVERIFY(m_a->tokens.revokeOnboarding(QStringLiteral("revoked-jti"), expiresAt));
    QVERIFY(m_a->tokens.revokeOnboarding(QStringLiteral("revoked-jti"), expiresAt));
    auto record = m_a->tokens.onboarding(QStringLiteral("revoked-jti"));
    QVERIFY(record && *record);
    QVERIFY((*record)->revoked);
    QVERIFY((*record)->accountId.isEmpty());
    // A completed onboarding, revoked later, keeps what it created.
    const auto onboarded = m_a->onboardings.onboard(onboardingOf(QStringLiteral("done-jti"), QStringLiteral("key"),
                                                                 person(QStringLiteral("alice")), QStringLiteral("1"),
                                                                 QStringLiteral("openid")));
    QVERIFY(onboarded);
    record = m_a->tokens.onboarding(QStringLiteral("done-jti"));
    QVERIFY(record && *record);
    QVERIFY(!(*record)->revoked);
    QVERIFY(m_a->tokens.revokeOnboarding(QStringLiteral("done-jti"), expiresAt));
    record = m_a->tokens.onboarding(QStringLiteral("done-jti"));
    QVERIFY(record && *record);
    QVERIFY((*record)->revoked);
    QCOMPARE((*record)->accountId, onboarded->account.id);
    QCOMPARE((*record)->familyId, onboarded->family.id);
}

void TestStoreConformance::purgeExpiredRemovesOnlyTheExpired()
{
    TokenStore &tokens = m_a->tokens;
    const auto account = addAccount(person(QStringLiteral("alice")));
    QVERIFY(account);
    const auto familyMade = [&](bool withToken) {
        QByteArray token;
        const auto made = tokens.createFamily(account->id, ClientId, QStringLiteral("openid"), 1700000000,
                                              withToken ? &token : nullptr);
        return made ? made->id : QString();
    };
    // Long ago: a code, a session with a refresh token, one without, a revoked onboarding token.
    const auto oldCode = tokens.createCode(grantFor(QStringLiteral("1")));
    const QString oldRefreshed = familyMade(true);
    const QString oldBare = familyMade(false);
    QVERIFY(tokens.revokeOnboarding(QStringLiteral("old-jti"), m_a->clock.now() + 600));
    m_a->clock.advance(Protocol::RefreshTokenIdleLifetimeSeconds + 3600);
    // Now: the same, young, and an onboarding completed with a token that has since expired.
    const auto recentCode = tokens.createCode(grantFor(QStringLiteral("2")));
    const QString youngRefreshed = familyMade(true);
    const QString youngBare = familyMade(false);
    QVERIFY(tokens.revokeOnboarding(QStringLiteral("young-jti"), m_a->clock.now() + 600));
    OnboardingRequest done = onboardingOf(QStringLiteral("done-jti"), QStringLiteral("key"),
                                          person(QStringLiteral("bob")), QStringLiteral("3"), QStringLiteral("openid"));
    done.expiresAt = m_a->clock.now() - 1;
    const auto onboarded = m_a->onboardings.onboard(done);
    QVERIFY(onboarded);
    // The recent code expired a minute ago: kept, so a late replay is still recognised.
    m_a->clock.advance(Protocol::AuthorizationCodeLifetimeSeconds * 2);
    const auto freshCode = tokens.createCode(grantFor(QStringLiteral("4")));
    QVERIFY(oldCode && recentCode && freshCode);
    QVERIFY(!oldRefreshed.isEmpty() && !oldBare.isEmpty() && !youngRefreshed.isEmpty() && !youngBare.isEmpty());

    QCOMPARE(tokens.purgeExpired(), 4);
    const auto codeKept = [&](const QByteArray &code) {
        return rowsWhere(m_a->db, QStringLiteral("authorization_codes"), QStringLiteral("code_hash"),
                         TokenStore::hash(code));
    };
    const auto familyKept = [&](const QString &id) {
        return rowsWhere(m_a->db, QStringLiteral("token_families"), QStringLiteral("id"), id);
    };
    QCOMPARE(codeKept(*oldCode), 0);
    QCOMPARE(codeKept(*recentCode), 1);
    QCOMPARE(codeKept(*freshCode), 1);
    QCOMPARE(familyKept(oldRefreshed), 0);
    QCOMPARE(familyKept(oldBare), 0);
    QCOMPARE(familyKept(youngRefreshed), 1);
    QCOMPARE(familyKept(youngBare), 1);
    QCOMPARE(familyKept(onboarded->family.id), 1);
    for (const auto &[jti, kept] :
         {std::pair(QStringLiteral("old-jti"), false), std::pair(QStringLiteral("young-jti"), true),
          std::pair(QStringLiteral("done-jti"), true)}) {
        const auto record = tokens.onboarding(jti);
        QVERIFY(record);
        QVERIFY2(record->has_value() == kept, qPrintable(jti));
    }
    QCOMPARE(tokens.purgeExpired(), 0);
}

// ---- AccountStore ----

void TestStoreConformance::accountRoundTrip()
{
    Account wanted = person(QStringLiteral("alice"), QStringLiteral("Alice@Example.org"), true);
    wanted.id = QStringLiteral("chosen-by-the-caller");
    const auto added = m_a->accounts.add(wanted);
    QVERIFY(added);
    QVERIFY(!added->id.isEmpty());
    QVERIFY2(added->id != wanted.id, "add() kept the caller's id instead of assigning one");
    const auto other = addAccount(person(QStringLiteral("bob")));
    QVERIFY(other);
    QVERIFY(other->id != added->id);
    const auto byId = m_a->accounts.findById(added->id);
    QVERIFY(byId && *byId);
    QCOMPARE((*byId)->id, added->id);
    QCOMPARE((*byId)->username, wanted.username);
    QCOMPARE((*byId)->name, wanted.name);
    QCOMPARE((*byId)->email, wanted.email);
    QCOMPARE((*byId)->emailVerified, true);
    for (const QString &spelling : {QStringLiteral("alice"), QStringLiteral("ALICE"), QStringLiteral("aLiCe")}) {
        const auto byName = m_a->accounts.findByUsername(spelling);
        QVERIFY(byName && *byName);
        QCOMPARE((*byName)->id, added->id);
        const auto taken = m_a->accounts.isUsernameTaken(spelling);
        QVERIFY(taken && *taken);
    }
    const auto vacant = m_a->accounts.isUsernameTaken(QStringLiteral("carol"));
    QVERIFY(vacant && !*vacant);
    for (const auto &none :
         {m_a->accounts.findById(QStringLiteral("no-such-id")), m_a->accounts.findByUsername(QStringLiteral("carol")),
          m_a->accounts.findByIdentity({QStringLiteral("qa:github"), QStringLiteral("1"), QString()})}) {
        QVERIFY(none);
        QVERIFY(!*none);
    }
}

void TestStoreConformance::findByVerifiedEmail_data()
{
    QTest::addColumn<QString>("stored");
    QTest::addColumn<bool>("verified");
    QTest::addColumn<QString>("lookup");
    QTest::addColumn<bool>("found");
    QTest::addColumn<QString>("knownFailure"); // the backend that answers otherwise, pending a fix
    const QString alice = QStringLiteral("alice@example.org");
    QTest::newRow("same") << alice << true << alice << true << "";
    QTest::newRow("upper case") << alice << true << QStringLiteral("ALICE@EXAMPLE.ORG") << true << "";
    QTest::newRow("mixed case") << QStringLiteral("Alice@Example.Org") << true << alice << true << "";
    QTest::newRow("unverified") << alice << false << alice << false << "";
    QTest::newRow("another address") << alice << true << QStringLiteral("alice@example.com") << false << "";
    QTest::newRow("empty") << alice << true << QString() << false << "";
    // Case in other scripts than ASCII (SQLite's NOCASE folded ASCII only).
    QTest::newRow("non-ASCII case") << QStringLiteral("ärger@example.de") << true << QStringLiteral("ÄRGER@example.de")
                                    << true << "";
    // Other addresses (PostgreSQL's ICU level-2 collation took them for equal).
    QTest::newRow("full-width letter") << alice << true << QStringLiteral("ａlice@example.org") << false << "";
    QTest::newRow("superscript digit") << QStringLiteral("alice2@example.org") << true
                                       << QStringLiteral("alice²@example.org") << false << "";
    QTest::newRow("ligature") << QStringLiteral("file@example.org") << true << QStringLiteral("ﬁle@example.org")
                              << false << "";
}

void TestStoreConformance::findByVerifiedEmail()
{
    QFETCH(QString, stored);
    QFETCH(bool, verified);
    QFETCH(QString, lookup);
    QFETCH(bool, found);
    QFETCH(QString, knownFailure);
    const auto holder = addAccount(person(QStringLiteral("alice"), stored, verified));
    QVERIFY(holder);
    QVERIFY(addAccount(person(QStringLiteral("bob"), QStringLiteral("bob@example.org"), true)));
    const auto answer = m_a->accounts.findByVerifiedEmail(lookup);
    QVERIFY(answer);
    expectFailureOn(knownFailure,
                    "the nocase collation differs: SQLite folds ASCII case only, PostgreSQL's ICU "
                    "level 2 all case and width");
    QCOMPARE(answer->has_value(), found);
    if (found)
        QCOMPARE((*answer)->id, holder->id);
}

// What schema versions 8 and 7 added, taken back: the migrations run again.
QStringList TestStoreConformance::undoVersion7() const
{
    QStringList statements{QStringLiteral("DROP TABLE device_grants"),
                           QStringLiteral("ALTER TABLE pending_sign_ins DROP COLUMN device_grant"),
                           QStringLiteral("DROP TABLE link_requests"),
                           QStringLiteral("DROP INDEX authorization_codes_onboarding")};
    for (const char *column : {"upstream_issuer", "linked_provider"})
        statements.append(QStringLiteral("ALTER TABLE authorization_codes DROP COLUMN %1").arg(QLatin1String(column)));
    for (const char *column : {"prompt", "max_age", "link_id"})
        statements.append(QStringLiteral("ALTER TABLE pending_sign_ins DROP COLUMN %1").arg(QLatin1String(column)));
    return statements;
}

// A database of schema version 4 (emails compared by the NOCASE collation)
// upgraded: every email gets its key, and of two verified addresses that now
// share one only the older account keeps the verification.
void TestStoreConformance::upgradeKeysStoredEmails()
{
    QSqlQuery q(m_a->db.connection());
    QStringList back = undoVersion7();
    back += QStringList{
        QStringLiteral("DROP INDEX accounts_verified_email_key"),
        QStringLiteral("ALTER TABLE accounts DROP COLUMN email_key"),
        QStringLiteral("CREATE INDEX accounts_verified_email ON accounts (email)"),
        QStringLiteral("INSERT INTO accounts (id, username, email, email_verified, created_at) VALUES "
                       "('older', 'older', 'Ärger@example.de', 1, 1), ('newer', 'newer', 'ärger@example.de', 1, 2), "
                       "('plain', 'plain', 'Bob@Example.org', 1, 3), ('none', 'none', NULL, 0, 4)"),
        m_a->db.dialect().writeVersion(4),
    };
    for (const QString &statement : back)
        QVERIFY2(q.exec(statement), qPrintable(statement + QStringLiteral(": ") + q.lastError().text()));
    QVERIFY_OK(m_a->db.migrate());
    QCOMPARE(m_a->db.currentVersion(), Database::schemaVersion());
    const auto older = m_a->accounts.findByVerifiedEmail(QStringLiteral("ÄRGER@EXAMPLE.DE"));
    QVERIFY(older && *older);
    QCOMPARE((*older)->id, QStringLiteral("older"));
    const auto newer = m_a->accounts.findById(QStringLiteral("newer"));
    QVERIFY(newer && *newer);
    QVERIFY(!(*newer)->emailVerified);
    const auto plain = m_a->accounts.findByVerifiedEmail(QStringLiteral("bob@example.org"));
    QVERIFY(plain && *plain);
    QCOMPARE((*plain)->id, QStringLiteral("plain"));
}

// A database of schema version 6 upgraded: identities keep their account
// and get the issuer their provider has today (OidcServer adopts it at start).
void TestStoreConformance::upgradeRecordsIssuers()
{
    const auto alice = addAccount(person(QStringLiteral("alice"), QStringLiteral("alice@example.com"), true));
    QVERIFY(alice);
    const UpstreamIdentity github{QStringLiteral("github"), QStringLiteral("583231"),
                                  QStringLiteral("https://api.github.com")};
    QVERIFY(m_a->accounts.link(alice->id, github).value_or(false));
    QSqlQuery q(m_a->db.connection());
    for (const QString &statement : undoVersion7() + QStringList{m_a->db.dialect().writeVersion(6)})
        QVERIFY2(q.exec(statement), qPrintable(statement + QStringLiteral(": ") + q.lastError().text()));
    QVERIFY_OK(m_a->db.migrate());
    QCOMPARE(m_a->db.currentVersion(), Database::schemaVersion());
    const auto unknown = m_a->accounts.findByIdentity(github);
    QVERIFY(unknown);
    QVERIFY2(!*unknown, "an identity without a recorded issuer matched before it was adopted");
    const auto adopted = m_a->accounts.adoptUpstreamIssuers(
        {{QStringLiteral("github"), github.upstreamIssuer}, {QStringLiteral("qa:google"), QStringLiteral("local:x")}});
    QVERIFY_OK(adopted);
    QCOMPARE(*adopted, 1);
    const auto owner = m_a->accounts.findByIdentity(github);
    QVERIFY(owner && *owner);
    QCOMPARE((*owner)->id, alice->id);
    const auto identities = m_a->accounts.identitiesOf(alice->id);
    QVERIFY(identities && identities->size() == 1);
    QCOMPARE(identities->first().email, QStringLiteral("alice@example.com"));
    // Adopted once: a provider re-pointed later does not take the identities along.
    const auto again = m_a->accounts.adoptUpstreamIssuers(
        {{QStringLiteral("github"), QStringLiteral("https://evil.example")}});
    QVERIFY_OK(again);
    QCOMPARE(*again, 0);
}

// ---- LinkStore ----

std::optional<std::pair<Account, LinkRequest>> TestStoreConformance::samWithPendingLink(const QString &jti)
{
    const auto sam = addAccount(person(QStringLiteral("sam"), QStringLiteral("sam@example.com"), true));
    if (!sam
        || !m_a->accounts
                .link(sam->id, {QStringLiteral("qa:github"), QStringLiteral("qa-sam"), QStringLiteral("local:simulated")})
                .value_or(false))
        return std::nullopt;
    LinkRequest link;
    link.clientId = ClientId;
    link.accountId = sam->id;
    link.identity = {QStringLiteral("qa:google"), QStringLiteral("g-sam"), QStringLiteral("local:simulated")};
    link.email = QStringLiteral("sam@example.com");
    link.onboardingJti = jti;
    link.onboardingExpiresAt = m_a->clock.now() + 600;
    return std::make_pair(*sam, link);
}

void TestStoreConformance::linkTakenOnceAcrossInstances()
{
    const auto sam = samWithPendingLink(QStringLiteral("jti-1"));
    QVERIFY(sam);
    const auto linkId = m_a->links.create(sam->second);
    QVERIFY_OK(linkId);
    std::latch start(2);
    std::array<int, 2> taken{}; // 1 taken, 0 not, -1 error
    auto racer = [&](int which) {
        Instance instance(m_url);
        start.arrive_and_wait();
        QString key;
        const auto link = instance.ok ? instance.links.take(*linkId, ClientId, QByteArray::number(which), &key)
                                      : Result<std::optional<LinkRequest>>(ServerError());
        taken[which] = !link ? -1 : link->has_value() ? 1 : 0;
    };
    std::thread first(racer, 0);
    std::thread second(racer, 1);
    first.join();
    second.join();
    QVERIFY2(taken[0] >= 0 && taken[1] >= 0, "a take failed");
    QCOMPARE(taken[0] + taken[1], 1);
}

void TestStoreConformance::linkTakeChecksClientAndExpiry()
{
    const auto sam = samWithPendingLink(QStringLiteral("jti-1"));
    QVERIFY(sam);
    const auto linkId = m_a->links.create(sam->second);
    QVERIFY_OK(linkId);
    QString key;
    const auto otherClient = m_a->links.take(*linkId, QStringLiteral("another-app"), "request", &key);
    QVERIFY(otherClient && !*otherClient);
    m_a->clock.advance(LinkStore::Lifetime + 1);
    const auto late = m_a->links.take(*linkId, ClientId, "request", &key);
    QVERIFY(late && !*late);
    QVERIFY(key.isEmpty());
    const auto fresh = m_a->links.create(sam->second);
    QVERIFY_OK(fresh);
    const auto taken = m_a->links.take(*fresh, ClientId, "request", &key);
    QVERIFY(taken && *taken);
    QCOMPARE((*taken)->identity.providerUserId, QStringLiteral("g-sam"));
    const auto found = m_a->links.find(key);
    QVERIFY(found && *found);
    QCOMPARE((*found)->accountId, sam->first.id);
    // The same authorization request again (the app opens the browser again) takes it again; another does not.
    const auto again = m_a->links.take(*fresh, ClientId, "request", &key);
    QVERIFY(again && *again);
    const auto other = m_a->links.take(*fresh, ClientId, "another request", &key);
    QVERIFY(other && !*other);
}

void TestStoreConformance::pendingLinkLosesToAConcurrentOnboarding_data()
{
    QTest::addColumn<bool>("commit");
    QTest::addColumn<QByteArray>("expected"); // empty: linked
    QTest::newRow("the other commits") << true << QByteArray(LinkFailure::Expired);
    QTest::newRow("the other rolls back") << false << QByteArray();
}

// Another instance spends the onboarding token (an onboarding, or a second
// link of the same pending identity) while this link completes: the link
// waits for it, and links only when it rolled back.
void TestStoreConformance::pendingLinkLosesToAConcurrentOnboarding()
{
    QFETCH(bool, commit);
    QFETCH(QByteArray, expected);
    const auto sam = samWithPendingLink(QStringLiteral("jti-race"));
    QVERIFY(sam);
    const UpstreamIdentity github{QStringLiteral("qa:github"), QStringLiteral("qa-sam"),
                                  QStringLiteral("local:simulated")};
    const auto outcome = whileUncommitted<Result<std::optional<QByteArray>>>(
        *m_a, m_url,
        [&] {
            return m_a->db.exec(QStringLiteral("INSERT INTO onboardings (jti, idempotency_key, expires_at) "
                                               "VALUES ('jti-race', 'other', ?)"),
                                {m_a->clock.now() + 600});
        },
        [&](Instance &b) { return b.links.complete(sam->second, github, {}, [] { return Result<void>(); }); }, commit);
    QVERIFY(outcome);
    QVERIFY_OK(*outcome);
    QCOMPARE((*outcome)->value_or(QByteArray()), expected);
    const auto owner = m_a->accounts.findByIdentity(sam->second.identity);
    QVERIFY(owner);
    QCOMPARE(owner->has_value(), expected.isEmpty());
}

void TestStoreConformance::addLinkKeepsOthersIdentities()
{
    const auto sam = samWithPendingLink(QStringLiteral("jti-1"));
    const auto rita = addAccount(person(QStringLiteral("rita")));
    QVERIFY(sam && rita);
    const UpstreamIdentity ritasGoogle{QStringLiteral("qa:google"), QStringLiteral("qa-returning"),
                                       QStringLiteral("local:simulated")};
    QVERIFY(m_a->accounts.link(rita->id, ritasGoogle).value_or(false));
    LinkRequest add;
    add.kind = LinkRequest::Kind::Add;
    add.clientId = ClientId;
    add.accountId = sam->first.id;
    add.providerId = QStringLiteral("google");
    int issued = 0;
    const auto issue = [&issued] {
        ++issued;
        return Result<void>();
    };
    const auto refused = m_a->links.complete(add, ritasGoogle, {}, issue);
    QVERIFY_OK(refused);
    QCOMPARE(refused->value_or(QByteArray()), QByteArray(LinkFailure::OtherAccount));
    QCOMPARE(issued, 0);
    const UpstreamIdentity samsGoogle{QStringLiteral("qa:google"), QStringLiteral("g-sam-2"),
                                      QStringLiteral("local:simulated")};
    const auto linked = m_a->links.complete(add, samsGoogle, QStringLiteral("sam.g@example.com"), issue);
    QVERIFY_OK(linked);
    QVERIFY(!linked->has_value());
    QCOMPARE(issued, 1);
    const auto owner = m_a->accounts.findByIdentity(samsGoogle);
    QVERIFY(owner && *owner);
    QCOMPARE((*owner)->id, sam->first.id);
    // The same identity again is no error: it is already this account's.
    const auto again = m_a->links.complete(add, samsGoogle, {}, issue);
    QVERIFY_OK(again);
    QVERIFY(!again->has_value());
}

void TestStoreConformance::addConflicts_data()
{
    QTest::addColumn<Account>("existing");
    QTest::addColumn<Account>("wanted");
    QTest::addColumn<QByteArray>("error"); // empty: added
    QTest::addColumn<QString>("knownFailure");
    const QByteArray usernameTaken = ErrorCode::UsernameTaken;
    const QByteArray emailInUse = ErrorCode::EmailInUse;
    const Account alice = person(QStringLiteral("alice"), QStringLiteral("alice@example.org"), true);
    const auto bob = [](const QString &email, bool verified) { return person(QStringLiteral("bob"), email, verified); };
    QTest::newRow("same username") << alice << person(QStringLiteral("alice")) << usernameTaken << "";
    QTest::newRow("username in other case") << alice << person(QStringLiteral("Alice")) << usernameTaken << "";
    QTest::newRow("verified email in other case")
        << alice << bob(QStringLiteral("ALICE@example.org"), true) << emailInUse << "";
    QTest::newRow("same email, the new one unverified")
        << alice << bob(QStringLiteral("alice@example.org"), false) << QByteArray() << "";
    QTest::newRow("same email, the existing one unverified")
        << person(QStringLiteral("alice"), QStringLiteral("alice@example.org"), false)
        << bob(QStringLiteral("alice@example.org"), true) << QByteArray() << "";
    QTest::newRow("verified email, non-ASCII case")
        << person(QStringLiteral("alice"), QStringLiteral("ärger@example.de"), true)
        << bob(QStringLiteral("ÄRGER@example.de"), true) << emailInUse << "";
    QTest::newRow("verified email, full-width letter")
        << alice << bob(QStringLiteral("ａlice@example.org"), true) << QByteArray() << "";
}

void TestStoreConformance::addConflicts()
{
    QFETCH(Account, existing);
    QFETCH(Account, wanted);
    QFETCH(QByteArray, error);
    QFETCH(QString, knownFailure);
    QVERIFY(addAccount(existing));
    const auto added = m_a->accounts.add(wanted);
    expectFailureOn(knownFailure,
                    "the nocase collation differs: SQLite folds ASCII case only, PostgreSQL's ICU "
                    "level 2 all case and width");
    QCOMPARE(added ? QByteArray() : added.error().code, error);
    if (!error.isEmpty()) {
        QCOMPARE(added.error().status, 409);
        QCOMPARE(rowsOf(m_a->db, QStringLiteral("accounts")), 1);
    }
}

void TestStoreConformance::concurrentAddHasOneWinner_data()
{
    QTest::addColumn<Account>("second");
    QTest::addColumn<bool>("firstCommits");
    QTest::addColumn<QByteArray>("error"); // the second's; empty: added
    const Account sameName = person(QStringLiteral("Racer"), QStringLiteral("other@example.org"), true);
    const Account sameEmail = person(QStringLiteral("other"), QStringLiteral("RACER@example.org"), true);
    QTest::newRow("username") << sameName << true << QByteArray(ErrorCode::UsernameTaken);
    QTest::newRow("verified email") << sameEmail << true << QByteArray(ErrorCode::EmailInUse);
    QTest::newRow("username, the first rolled back") << sameName << false << QByteArray();
}

// Instance B adds its account while instance A's insert of a clashing one
// is not committed yet: the unique index makes B wait for A's outcome.
void TestStoreConformance::concurrentAddHasOneWinner()
{
    QFETCH(Account, second);
    QFETCH(bool, firstCommits);
    QFETCH(QByteArray, error);
    const auto secondAdded = whileUncommitted<Result<Account>>(
        *m_a, m_url,
        [&] {
            return m_a->accounts.add(person(QStringLiteral("racer"), QStringLiteral("racer@example.org"), true)).ok();
        },
        [&](Instance &b) { return b.accounts.add(second); }, firstCommits);
    QVERIFY(secondAdded);
    QCOMPARE(*secondAdded ? QByteArray() : secondAdded->error().code, error);
    if (!error.isEmpty())
        QCOMPARE(secondAdded->error().status, 409);
    QCOMPARE(rowsOf(m_a->db, QStringLiteral("accounts")), 1);
}

void TestStoreConformance::linkAndProviders()
{
    const auto alice = addAccount(person(QStringLiteral("alice")));
    const auto bob = addAccount(person(QStringLiteral("bob")));
    QVERIFY(alice && bob);
    const UpstreamIdentity github{QStringLiteral("qa:github"), QStringLiteral("583231"), QString()};
    auto linked = m_a->accounts.link(alice->id, github);
    QVERIFY(linked && *linked);
    linked = m_a->accounts.link(alice->id, github);
    QVERIFY(linked);
    QVERIFY2(!*linked, "the same identity was linked twice");
    linked = m_a->accounts.link(bob->id, github);
    QVERIFY(linked);
    QVERIFY2(!*linked, "an identity was linked to a second account");
    const auto owner = m_a->accounts.findByIdentity(github);
    QVERIFY(owner && *owner);
    QCOMPARE((*owner)->id, alice->id);
    // The provider's other user is someone else.
    const auto stranger = m_a->accounts.findByIdentity({github.providerId, QStringLiteral("583232"), QString()});
    QVERIFY(stranger && !*stranger);
    QVERIFY(m_a->accounts.link(alice->id, {QStringLiteral("qa:google"), QStringLiteral("g-1"), QString()}));
    QVERIFY(
        m_a->accounts.link(alice->id, {QStringLiteral("qa:github"), QStringLiteral("second-github-user"), QString()}));
    const auto identities = m_a->accounts.identitiesOf(alice->id);
    QVERIFY(identities);
    QStringList keys;
    for (const LinkedIdentity &each : *identities)
        keys.append(each.identity.providerId + u'/' + each.identity.providerUserId);
    keys.sort();
    QCOMPARE(keys,
             QStringList({QStringLiteral("qa:github/583231"), QStringLiteral("qa:github/second-github-user"),
                          QStringLiteral("qa:google/g-1")}));
    const auto none = m_a->accounts.identitiesOf(bob->id);
    QVERIFY(none);
    QVERIFY(none->isEmpty());
}

// An identity records its upstream issuer: the same provider key and user id
// at another issuer is someone else (PROTOCOL.md 4).
void TestStoreConformance::identityIssuerMatters()
{
    const auto alice = addAccount(person(QStringLiteral("alice")));
    QVERIFY(alice);
    const UpstreamIdentity old{QStringLiteral("corp"), QStringLiteral("42"), QStringLiteral("https://old.example")};
    QVERIFY(m_a->accounts.link(alice->id, old, QStringLiteral("alice@example.com")).value_or(false));
    const auto moved = m_a->accounts.findByIdentity(
        {old.providerId, old.providerUserId, QStringLiteral("https://new.example")});
    QVERIFY(moved);
    QVERIFY2(!*moved, "an identity of the old issuer matched the new one");
    const auto same = m_a->accounts.findByIdentity(old);
    QVERIFY(same && *same);
    const auto identities = m_a->accounts.identitiesOf(alice->id);
    QVERIFY(identities && identities->size() == 1);
    QCOMPARE(identities->first().email, QStringLiteral("alice@example.com"));
    QCOMPARE(identities->first().identity.upstreamIssuer, old.upstreamIssuer);
}

// ---- OnboardingStore ----

void TestStoreConformance::onboardCreatesAccountAndSession_data()
{
    QTest::addColumn<QString>("scope");
    QTest::addColumn<bool>("refreshToken");
    QTest::newRow("offline_access") << QString::fromLatin1(Protocol::DefaultScope) << true;
    QTest::newRow("without offline_access") << QStringLiteral("openid profile") << false;
}

void TestStoreConformance::onboardCreatesAccountAndSession()
{
    QFETCH(QString, scope);
    QFETCH(bool, refreshToken);
    // Another account with the same email, unverified there: no conflict.
    QVERIFY(addAccount(person(QStringLiteral("bob"), QStringLiteral("alice@example.org"), false)));
    const OnboardingRequest request = onboardingOf(QStringLiteral("jti"), QStringLiteral("key"),
                                                   person(QStringLiteral("alice"), QStringLiteral("alice@example.org"),
                                                          true),
                                                   QStringLiteral("1"), scope);
    const auto onboarded = m_a->onboardings.onboard(request);
    QVERIFY(onboarded);
    QVERIFY(!onboarded->account.id.isEmpty());
    QCOMPARE(onboarded->account.username, request.account.username);
    QCOMPARE(onboarded->account.email, request.account.email);
    const auto byIdentity = m_a->accounts.findByIdentity(request.identity);
    QVERIFY(byIdentity && *byIdentity);
    QCOMPARE((*byIdentity)->id, onboarded->account.id);
    QCOMPARE((*byIdentity)->emailVerified, true);
    QCOMPARE(onboarded->family.accountId, onboarded->account.id);
    QCOMPARE(onboarded->family.clientId, request.clientId);
    QCOMPARE(onboarded->family.scope, scope);
    QCOMPARE(onboarded->family.authTime, request.authTime);
    const auto active = m_a->tokens.isSessionActive(onboarded->family.sessionId);
    QVERIFY(active && *active);
    QCOMPARE(!onboarded->refreshToken.isEmpty(), refreshToken);
    if (refreshToken)
        QVERIFY(m_a->tokens.rotate(onboarded->refreshToken, request.clientId, {}));
    const auto record = m_a->tokens.onboarding(request.jti);
    QVERIFY(record && *record);
    QCOMPARE((*record)->accountId, onboarded->account.id);
    QCOMPARE((*record)->idempotencyKey, request.idempotencyKey);
    QCOMPARE((*record)->familyId, onboarded->family.id);
    QVERIFY(!(*record)->revoked);
}

void TestStoreConformance::onboardErrors_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<QByteArray>("error");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("recorded");  // the jti's record stays (spent or revoked)
    QTest::addColumn<bool>("retryable"); // the same token with a corrected account succeeds
    const QByteArray completed = ErrorCode::OnboardingAlreadyCompleted;
    const QByteArray invalidToken = ErrorCode::InvalidToken;
    QTest::newRow("revoked token") << "revoked" << invalidToken << 401 << true << false;
    QTest::newRow("revoked after completing") << "completed, revoked" << invalidToken << 401 << true << false;
    QTest::newRow("another Idempotency-Key") << "another key" << completed << 409 << true << false;
    QTest::newRow("identity already linked") << "linked" << completed << 409 << false << false;
    QTest::newRow("identity linked, username taken") << "linked, taken" << completed << 409 << false << false;
    QTest::newRow("username taken") << "taken" << QByteArray(ErrorCode::UsernameTaken) << 409 << false << true;
    QTest::newRow("username taken in other case")
        << "taken, case" << QByteArray(ErrorCode::UsernameTaken) << 409 << false << true;
    QTest::newRow("verified email in use") << "email" << QByteArray(ErrorCode::EmailInUse) << 409 << false << true;
    QTest::newRow("email in use before username taken")
        << "email, taken" << QByteArray(ErrorCode::EmailInUse) << 409 << false << true;
}

void TestStoreConformance::onboardErrors()
{
    QFETCH(QString, fault);
    QFETCH(QByteArray, error);
    QFETCH(int, status);
    QFETCH(bool, recorded);
    QFETCH(bool, retryable);
    const auto holder = addAccount(person(QStringLiteral("taken"), QStringLiteral("taken@example.org"), true));
    QVERIFY(holder);
    const UpstreamIdentity holderIdentity{QStringLiteral("qa:github"), QStringLiteral("holder"), QString()};
    QVERIFY(m_a->accounts.link(holder->id, holderIdentity));
    const QString jti = QStringLiteral("jti");
    const Account corrected = person(QStringLiteral("newcomer"), QStringLiteral("newcomer@example.org"), true);
    OnboardingRequest request = onboardingOf(jti, QStringLiteral("key-1"), corrected, QStringLiteral("new"),
                                             QLatin1String(Protocol::DefaultScope));
    if (fault == QLatin1String("revoked"))
        QVERIFY(m_a->tokens.revokeOnboarding(jti, request.expiresAt));
    if (fault == QLatin1String("completed, revoked") || fault == QLatin1String("another key"))
        QVERIFY(m_a->onboardings.onboard(request));
    if (fault == QLatin1String("completed, revoked"))
        QVERIFY(m_a->tokens.revokeOnboarding(jti, request.expiresAt));
    if (fault == QLatin1String("another key"))
        request.idempotencyKey = QStringLiteral("key-2");
    if (fault.startsWith(QLatin1String("linked")))
        request.identity = holderIdentity;
    if (fault.endsWith(QLatin1String("taken")))
        request.account.username = QStringLiteral("taken");
    if (fault == QLatin1String("taken, case"))
        request.account.username = QStringLiteral("Taken");
    if (fault.startsWith(QLatin1String("email")))
        request.account.email = QStringLiteral("Taken@Example.org");
    const int accounts = rowsOf(m_a->db, QStringLiteral("accounts"));
    const int families = rowsOf(m_a->db, QStringLiteral("token_families"));

    const auto refused = m_a->onboardings.onboard(request);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, error);
    QCOMPARE(refused.error().status, status);
    if (status == 401)
        QCOMPARE(refused.error().extra.value(QLatin1String("reason")).toString(), QStringLiteral("revoked"));
    // Refused in full: nothing of it stays.
    QCOMPARE(rowsOf(m_a->db, QStringLiteral("accounts")), accounts);
    QCOMPARE(rowsOf(m_a->db, QStringLiteral("token_families")), families);
    const auto record = m_a->tokens.onboarding(jti);
    QVERIFY(record);
    QCOMPARE(record->has_value(), recorded);
    if (retryable) {
        request.account = corrected;
        QVERIFY2(m_a->onboardings.onboard(request), "the corrected request was refused: the token was spent");
    }
}

// The wizard retries after a lost response with the same Idempotency-Key:
// the same account, a fresh session, the lost one revoked; each time.
void TestStoreConformance::onboardReplaysTheSameKey()
{
    const OnboardingRequest request = onboardingOf(QStringLiteral("jti"), QStringLiteral("key"),
                                                   person(QStringLiteral("alice")), QStringLiteral("1"),
                                                   QLatin1String(Protocol::DefaultScope));
    const auto first = m_a->onboardings.onboard(request);
    QVERIFY(first);
    std::optional<Onboarded> previous = *first;
    for (int retry = 0; retry < 2; ++retry) {
        const auto again = m_a->onboardings.onboard(request);
        QVERIFY(again);
        QCOMPARE(again->account.id, first->account.id);
        QVERIFY(again->family.sessionId != previous->family.sessionId);
        QVERIFY(!again->refreshToken.isEmpty() && again->refreshToken != previous->refreshToken);
        const auto lost = m_a->tokens.isSessionActive(previous->family.sessionId);
        QVERIFY(lost);
        QVERIFY2(!*lost, "the session of the lost response is still active");
        const auto current = m_a->tokens.isSessionActive(again->family.sessionId);
        QVERIFY(current && *current);
        const auto record = m_a->tokens.onboarding(request.jti);
        QVERIFY(record && *record);
        QCOMPARE((*record)->familyId, again->family.id);
        previous = *again;
    }
    QCOMPARE(rowsOf(m_a->db, QStringLiteral("accounts")), 1);
}

void TestStoreConformance::concurrentOnboardingOfOneIdentity_data()
{
    QTest::addColumn<Account>("second");
    QTest::addColumn<QString>("knownFailure");
    QTest::newRow("another username") << person(QStringLiteral("other"), QStringLiteral("other@example.org"), true)
                                      << "";
    QTest::newRow("the same username") << person(QStringLiteral("alice"), QStringLiteral("other@example.org"), true)
                                       << "";
    QTest::newRow("the same verified email")
        << person(QStringLiteral("other"), QStringLiteral("alice@example.org"), true) << "";
}

// Two sign-ins of one person, two onboarding tokens: instance B onboards
// while A's onboarding has created and linked the account but not committed.
// In either serial order B learns that the identity is onboarded already.
void TestStoreConformance::concurrentOnboardingOfOneIdentity()
{
    QFETCH(Account, second);
    QFETCH(QString, knownFailure);
    const UpstreamIdentity identity{QStringLiteral("qa:github"), QStringLiteral("twice"), QString()};
    // What A's OnboardingStore::create() writes, held open.
    const auto addAndLink = [&] {
        const auto first = m_a->accounts.add(person(QStringLiteral("alice"), QStringLiteral("alice@example.org"), true));
        return first && m_a->accounts.link(first->id, identity).value_or(false);
    };
    const auto secondOnboarded = whileUncommitted<Result<Onboarded>>(*m_a, m_url, addAndLink, [&](Instance &b) {
        return b.onboardings.onboard(onboardingOf(QStringLiteral("jti-b"), QStringLiteral("key"), second,
                                                  identity.providerUserId, QStringLiteral("openid")));
    });
    QVERIFY(secondOnboarded);
    QVERIFY(!*secondOnboarded);
    QCOMPARE(rowsOf(m_a->db, QStringLiteral("accounts")), 1);
    expectFailureOn(knownFailure,
                    "PostgreSQL (read committed): B's identity check ran before A committed; B's "
                    "insert then waits for A and reports the name or email clash instead");
    QCOMPARE(secondOnboarded->error().code, QByteArray(ErrorCode::OnboardingAlreadyCompleted));
}

// ---- Database ----

void TestStoreConformance::constraintViolationIsAnAnswer_data()
{
    QTest::addColumn<QString>("statement");
    QTest::addColumn<QString>("knownFailure");
    const QString knownOnSqlite; // fixed: SqlDialect reads the extended codes' low byte
    QTest::newRow("primary key") << "INSERT INTO onboardings (jti, expires_at) VALUES ('taken', 0)" << knownOnSqlite;
    QTest::newRow("unique index") << "INSERT INTO accounts (id, username, created_at) VALUES ('another-id', 'TAKEN', 0)"
                                  << knownOnSqlite;
    QTest::newRow("foreign key")
        << "INSERT INTO identities (provider_id, provider_user_id, account_id, linked_at) VALUES ('p', 'u', 'none', 0)"
        << knownOnSqlite;
}

// A write a constraint refused is a race's answer, not a fault (SqlDialect):
// Database logs it as such, however the driver reports it.
void TestStoreConformance::constraintViolationIsAnAnswer()
{
    QFETCH(QString, statement);
    QFETCH(QString, knownFailure);
    QVERIFY(m_a->tokens.revokeOnboarding(QStringLiteral("taken"), 0));
    QVERIFY(addAccount(person(QStringLiteral("taken"))));
    QSqlQuery q(m_a->db.connection());
    QVERIFY(!q.exec(statement));
    expectFailureOn(knownFailure,
                    "Qt's QSQLITE gives SQLite's extended result codes (1555, 2067, 787: 19 + n * 256), "
                    "which SqlDialect compares with 19");
    QVERIFY2(m_a->db.dialect().isConstraintViolation(q.lastError()),
             qPrintable(QStringLiteral("native error code %1").arg(q.lastError().nativeErrorCode())));
}

QTEST_GUILESS_MAIN(TestStoreConformance)
#include "TestStoreConformance.moc"
