#include "OnboardingStore.h"

#include "AccountStore.h"
#include "Clock.h"
#include "Database.h"
#include "ErrorCodes.h"
#include "SqlRow.h"

namespace {
ServerError notSaved()
{
    return ServerError::unavailable(QStringLiteral("The account could not be saved; try again."));
}

ServerError revoked()
{
    return ServerError{ErrorCode::InvalidToken,
                       QStringLiteral("The onboarding token is not valid (revoked)."),
                       401,
                       {{QStringLiteral("reason"), QStringLiteral("revoked")}}};
}

ServerError alreadyCompleted()
{
    return ServerError{ErrorCode::OnboardingAlreadyCompleted,
                       QStringLiteral("This sign-in was already used to create an account. Sign in again."), 409};
}
} // namespace

OnboardingStore::OnboardingStore(Database &db, const Clock &clock, AccountStore &accounts, TokenStore &tokens)
    : m_db(db)
    , m_clock(clock)
    , m_accounts(accounts)
    , m_tokens(tokens)
{
}

Result<Onboarded> OnboardingStore::onboard(const OnboardingRequest &request)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return notSaved();
    auto onboarded = onboardLocked(request);
    if (onboarded && !transaction.commit())
        return notSaved();
    return onboarded;
}

Result<Onboarded> OnboardingStore::onboardLocked(const OnboardingRequest &request)
{
    const auto existing = claim(request);
    if (!existing)
        return existing.error();
    if (!*existing)
        return create(request);
    const OnboardingRecord &record = **existing;
    if (record.revoked)
        return revoked();
    if (!record.accountId.isEmpty() && record.idempotencyKey == request.idempotencyKey)
        return replay(request, record);
    return alreadyCompleted();
}

// The jti's row, inserted (nullopt: this attempt owns it now) or found and
// locked. PostgreSQL makes a concurrent insert of the same jti wait for this
// transaction; SQLite's write lock is held from BEGIN IMMEDIATE on.
Result<std::optional<OnboardingRecord>> OnboardingStore::claim(const OnboardingRequest &request)
{
    QSqlQuery &insert = m_db.query(QStringLiteral("INSERT INTO onboardings (jti, idempotency_key, expires_at) "
                                                  "VALUES (?, ?, ?) ON CONFLICT (jti) DO NOTHING"));
    insert.bindValue(0, request.jti);
    insert.bindValue(1, request.idempotencyKey);
    insert.bindValue(2, request.expiresAt);
    if (!m_db.run(insert))
        return notSaved();
    if (insert.numRowsAffected() == 1)
        return std::optional<OnboardingRecord>();
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT account_id, idempotency_key, family_id, revoked_at FROM "
                                             "onboardings WHERE jti = ?")
                              + m_db.dialect().lockRow());
    q.bindValue(0, request.jti);
    if (!m_db.run(q) || !q.next())
        return notSaved();
    const SqlRow row(q);
    OnboardingRecord record{row.text("account_id"), row.text("idempotency_key"), row.text("family_id"),
                            !row.isNull("revoked_at")};
    q.finish();
    return std::optional<OnboardingRecord>(record);
}

Result<Onboarded> OnboardingStore::create(const OnboardingRequest &request)
{
    const auto owner = m_accounts.findByIdentity(request.identity);
    if (!owner)
        return owner.error();
    if (*owner)
        return alreadyCompleted();
    // A verified email of another account is refused before a name clash is reported.
    if (request.account.emailVerified) {
        const auto holder = m_accounts.findByVerifiedEmail(request.account.email);
        if (!holder)
            return holder.error();
        if (*holder)
            return ServerError{ErrorCode::EmailInUse, {}, 409};
    }
    const auto account = m_accounts.add(request.account);
    if (!account)
        return clashOrLinked(request, account.error());
    const auto linked = m_accounts.link(account->id, request.identity, request.account.email);
    if (!linked)
        return linked.error();
    // Linked meanwhile by another onboarding of the same identity (another token).
    if (!*linked)
        return alreadyCompleted();
    return startSession(request, *account);
}

// PostgreSQL (read committed): the identity check above ran before another
// onboarding of the same person committed; the insert then waited for it and
// met its name or email. Seen now, that person is onboarded already.
ServerError OnboardingStore::clashOrLinked(const OnboardingRequest &request, const ServerError &clash)
{
    if (clash.status != 409)
        return clash;
    const auto owner = m_accounts.findByIdentity(request.identity);
    if (!owner)
        return owner.error();
    return *owner ? alreadyCompleted() : clash;
}

Result<Onboarded> OnboardingStore::replay(const OnboardingRequest &request, const OnboardingRecord &record)
{
    // The same wizard retrying after a lost response: same account, fresh
    // tokens, and the lost ones revoked.
    const auto account = m_accounts.findById(record.accountId);
    if (!account)
        return account.error();
    if (!*account)
        return alreadyCompleted();
    if (auto revokedFamily = m_tokens.revokeFamily(record.familyId); !revokedFamily)
        return revokedFamily.error();
    auto onboarded = startSession(request, **account);
    if (onboarded)
        onboarded->replayed = true;
    return onboarded;
}

Result<Onboarded> OnboardingStore::startSession(const OnboardingRequest &request, const Account &account)
{
    Onboarded onboarded{account, {}, {}};
    const bool offline = request.scope.split(u' ').contains(QLatin1String("offline_access"));
    const auto family = m_tokens.createFamily(account.id, request.clientId, request.scope, request.authTime,
                                              offline ? &onboarded.refreshToken : nullptr);
    if (!family)
        return family.error();
    onboarded.family = *family;
    // Exactly this row, still unrevoked: a write that changed nothing would
    // otherwise commit a session that no replay of the code can find.
    QSqlQuery &q = m_db.query(QStringLiteral("UPDATE onboardings SET account_id = ?, family_id = ?, completed_at = ? "
                                             "WHERE jti = ? AND revoked_at IS NULL"));
    q.bindValue(0, account.id);
    q.bindValue(1, family->id);
    q.bindValue(2, m_clock.now());
    q.bindValue(3, request.jti);
    if (!m_db.run(q))
        return notSaved();
    if (q.numRowsAffected() != 1)
        return revoked();
    return onboarded;
}
