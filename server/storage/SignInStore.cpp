#include "SignInStore.h"

#include "Clock.h"
#include "Database.h"
#include "KeyCipher.h"
#include "SecureRandom.h"
#include "SqlRow.h"

#include <QCryptographicHash>
#include <QDateTime>

namespace {
constexpr int BusyRetryAfter = 60;
const QString SelectPending = QStringLiteral(
    "SELECT id, client_id, redirect_uri, state, nonce, code_challenge, scope, login_hint, prompt, max_age, link_id, "
    "device_grant, created_at, "
    "client_address, provider_id, upstream_state, upstream_nonce, upstream_verifier, upstream_redirect_uri, "
    "browser_binding_hash, finished FROM pending_sign_ins ");

QByteArray bindingHash(const QByteArray &binding)
{
    return QCryptographicHash::hash(binding, QCryptographicHash::Sha256).toBase64();
}

QVariant orNull(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

ServerError notSaved()
{
    return ServerError::unavailable(QStringLiteral("The sign-in could not be saved; try again."));
}

ServerError notRead()
{
    return ServerError::unavailable(
        QStringLiteral("This sign-in cannot be read just now. Reload the page in a moment to continue."), 1);
}
} // namespace

SignInStore::SignInStore(Database &db, const Clock &clock, const KeyCipher &cipher, int maxPerAddress, int maxPending)
    : m_db(db)
    , m_clock(clock)
    , m_cipher(cipher)
    , m_maxPerAddress(maxPerAddress)
    , m_maxPending(maxPending)
{
}

bool SignInStore::isBusy(const ServerError &error)
{
    return error.isUnavailable() && error.retryAfter == BusyRetryAfter;
}

Result<QString> SignInStore::add(const PendingSignIn &pending)
{
    purgeExpired();
    if (auto evicted = evictOldestOf(pending.clientAddress); !evicted)
        return evicted.error();
    const auto total = count(QStringLiteral("SELECT COUNT(*) FROM pending_sign_ins"), {});
    if (!total)
        return total.error();
    if (*total >= m_maxPending) {
        const auto room = makeRoomFor(pending.clientAddress);
        if (!room)
            return room.error();
        if (!*room)
            return ServerError::unavailable(QStringLiteral(
                                                "Too many sign-ins are in progress. Try again in a few minutes."),
                                            BusyRetryAfter);
    }
    const QString id = QString::fromLatin1(SecureRandom::token(16));
    // Orders one address's sign-ins for eviction; across instances it is as good as their clocks.
    const qint64 arrival = QDateTime::currentMSecsSinceEpoch() * 1000 + qint64(++m_arrivals % 1000);
    if (!m_db.exec(QStringLiteral("INSERT INTO pending_sign_ins (id, client_id, redirect_uri, state, nonce, "
                                  "code_challenge, scope, login_hint, prompt, max_age, link_id, device_grant, "
                                  "client_address, created_at, arrival) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                   {id, pending.clientId, pending.redirectUri, pending.state, pending.nonce, pending.codeChallenge,
                    pending.scope, orNull(pending.loginHint), orNull(pending.prompt),
                    pending.maxAge < 0 ? QVariant() : QVariant(pending.maxAge), orNull(pending.linkId),
                    orNull(pending.deviceGrant), pending.clientAddress, pending.createdAt, arrival}))
        return notSaved();
    return id;
}

void SignInStore::purgeExpired()
{
    // Once a second at most: /authorize stays one insert and two counts.
    const qint64 now = m_clock.now();
    if (now == m_purgedAt)
        return;
    m_purgedAt = now;
    m_db.exec(QStringLiteral("DELETE FROM pending_sign_ins WHERE created_at < ?"), {now - Lifetime});
}

Result<int> SignInStore::waiting()
{
    return count(QStringLiteral("SELECT COUNT(*) FROM pending_sign_ins WHERE finished = 0 AND created_at >= ?"),
                 {m_clock.now() - Lifetime});
}

Result<int> SignInStore::count(const QString &sql, const QVariantList &values)
{
    QSqlQuery &q = m_db.query(sql);
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    if (!m_db.run(q))
        return notSaved();
    const int n = q.next() ? q.value(0).toInt() : 0;
    q.finish();
    return n;
}

Result<void> SignInStore::evictOldestOf(const QString &address)
{
    const auto held = count(QStringLiteral("SELECT COUNT(*) FROM pending_sign_ins WHERE client_address = ?"), {address});
    if (!held)
        return held.error();
    if (*held < m_maxPerAddress)
        return {};
    // Keeps the newest cap - 1 rather than deleting the one oldest: adds
    // racing on several threads or instances may both have deleted the same
    // row and both inserted, and this takes the address back to its cap.
    if (!m_db.exec(QStringLiteral("DELETE FROM pending_sign_ins WHERE client_address = ? AND id NOT IN (SELECT id "
                                  "FROM pending_sign_ins WHERE client_address = ? ORDER BY arrival DESC LIMIT ?)"),
                   {address, address, m_maxPerAddress - 1}))
        return notSaved();
    return {};
}

// A full server makes room for a newcomer at the expense of the address
// that holds the most (a flood from many addresses holds many each), never
// of one that holds no more than the newcomer would: then it is really full.
Result<bool> SignInStore::makeRoomFor(const QString &address)
{
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT client_address, COUNT(*) AS held FROM pending_sign_ins "
                                             "GROUP BY client_address ORDER BY held DESC LIMIT 1"));
    if (!m_db.run(q))
        return notSaved();
    const bool found = q.next();
    const QString loaded = found ? SqlRow(q).text("client_address") : QString();
    const int held = found ? int(SqlRow(q).number("held")) : 0;
    q.finish();
    const auto own = count(QStringLiteral("SELECT COUNT(*) FROM pending_sign_ins WHERE client_address = ?"), {address});
    if (!own)
        return own.error();
    if (loaded.isEmpty() || loaded == address || held <= *own + 1)
        return false;
    if (!m_db.exec(QStringLiteral("DELETE FROM pending_sign_ins WHERE id IN (SELECT id FROM pending_sign_ins "
                                  "WHERE client_address = ? ORDER BY arrival LIMIT 1)"),
                   {loaded}))
        return notSaved();
    return true;
}

Result<std::optional<PendingSignIn>> SignInStore::find(const QString &requestId)
{
    if (requestId.isEmpty())
        return std::optional<PendingSignIn>();
    QSqlQuery &q = m_db.query(SelectPending + QStringLiteral("WHERE id = ? AND created_at >= ?"));
    q.bindValue(0, requestId);
    q.bindValue(1, m_clock.now() - Lifetime);
    // The database did not answer (PostgreSQL restarting, say): the sign-in may well be there.
    if (!m_db.run(q))
        return notRead();
    std::optional<PendingSignIn> found;
    if (q.next())
        found = read(SqlRow(q));
    q.finish();
    return found;
}

PendingSignIn SignInStore::read(const SqlRow &row) const
{
    PendingSignIn p;
    p.id = row.text("id");
    p.clientId = row.text("client_id");
    p.redirectUri = row.text("redirect_uri");
    p.state = row.text("state");
    p.nonce = row.text("nonce");
    p.codeChallenge = row.text("code_challenge");
    p.scope = row.text("scope");
    p.loginHint = row.text("login_hint");
    p.prompt = row.text("prompt");
    p.maxAge = row.isNull("max_age") ? -1 : row.number("max_age");
    p.linkId = row.text("link_id");
    p.deviceGrant = row.text("device_grant");
    p.createdAt = row.number("created_at");
    p.clientAddress = row.text("client_address");
    p.providerId = row.text("provider_id");
    // An altered row opens to nothing: the upstream then refuses the code exchange, and the sign-in fails.
    const QByteArray verifier = row.isNull("upstream_verifier")
        ? QByteArray()
        : m_cipher.open(row.text("upstream_verifier").toLatin1(), p.id.toUtf8()).value_or(QByteArray());
    p.upstream = UpstreamAttempt{row.text("upstream_state"), row.text("upstream_nonce"), verifier,
                                 row.text("upstream_redirect_uri")};
    p.browserBindingHash = row.text("browser_binding_hash").toLatin1();
    p.finished = row.number("finished") != 0;
    return p;
}

Result<void> SignInStore::attachUpstream(const QString &requestId, const QString &providerId,
                                         const UpstreamAttempt &attempt, const QByteArray &browserBinding)
{
    const QVariant sealedVerifier = attempt.verifier.isEmpty()
        ? QVariant()
        : QVariant(QString::fromLatin1(m_cipher.seal(attempt.verifier, requestId.toUtf8())));
    if (!m_db.exec(QStringLiteral("UPDATE pending_sign_ins SET provider_id = ?, upstream_state = ?, "
                                  "upstream_nonce = ?, upstream_verifier = ?, upstream_redirect_uri = ?, "
                                  "browser_binding_hash = ? WHERE id = ? AND finished = 0"),
                   {providerId, attempt.state, orNull(attempt.nonce), sealedVerifier, attempt.redirectUri,
                    QString::fromLatin1(bindingHash(browserBinding)), requestId}))
        return notSaved();
    return {};
}

Result<QString> SignInStore::findByUpstreamState(const QString &state)
{
    if (state.isEmpty())
        return QString();
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT id FROM pending_sign_ins WHERE upstream_state = ?"));
    q.bindValue(0, state);
    if (!m_db.run(q))
        return notRead();
    const QString id = q.next() ? SqlRow(q).text("id") : QString();
    q.finish();
    return id;
}

bool SignInStore::isBoundTo(const PendingSignIn &pending, const QByteArray &browserBinding)
{
    return !pending.browserBindingHash.isEmpty() && !browserBinding.isEmpty()
        && bindingHash(browserBinding) == pending.browserBindingHash;
}

Result<SignInStore::Claim> SignInStore::claim(const QString &requestId)
{
    QSqlQuery &q = m_db.query(QStringLiteral("UPDATE pending_sign_ins SET finished = 1 WHERE id = ? AND finished = 0"));
    q.bindValue(0, requestId);
    if (!m_db.run(q))
        return notSaved();
    const bool won = q.numRowsAffected() == 1;
    q.finish();
    return won ? Claim::Won : Claim::AlreadyFinished;
}
