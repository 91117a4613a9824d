#include "DeviceGrantStore.h"

#include "Clock.h"
#include "Database.h"
#include "Pkce.h"
#include "Protocol.h"
#include "SecureRandom.h"
#include "SqlRow.h"

#include <QCryptographicHash>

namespace {
constexpr int DeviceCodeBytes = 32; // 256 bits (PROTOCOL.md 10)
// A new user code that meets a live one is drawn again; with 20^8 codes a
// second collision in a row means something else is wrong.
constexpr int UserCodeAttempts = 4;
const QLatin1String Alphabet(Protocol::UserCodeAlphabet);

const QString SelectGrant = QStringLiteral(
    "SELECT device_code_hash, client_id, scope, status, expires_at FROM device_grants WHERE ");

QString statusText(DeviceGrant::Status status)
{
    switch (status) {
    case DeviceGrant::Status::Approved:
        return QStringLiteral("approved");
    case DeviceGrant::Status::Denied:
        return QStringLiteral("denied");
    case DeviceGrant::Status::Pending:
        break;
    }
    return QStringLiteral("pending");
}

DeviceGrant::Status statusOf(const QString &text)
{
    if (text == QLatin1String("approved"))
        return DeviceGrant::Status::Approved;
    if (text == QLatin1String("denied"))
        return DeviceGrant::Status::Denied;
    return DeviceGrant::Status::Pending;
}

QByteArray userCodeHash(const QString &normalized)
{
    return QCryptographicHash::hash(normalized.toLatin1(), QCryptographicHash::Sha256);
}

// Uniform over the alphabet: bytes of 240 and more would favour its first letters.
QString newUserCode()
{
    QString code;
    while (code.size() < Protocol::UserCodeLength) {
        for (const char byte : SecureRandom::bytes(Protocol::UserCodeLength * 2)) {
            const auto value = quint8(byte);
            if (value < 240 && code.size() < Protocol::UserCodeLength)
                code += Alphabet.at(value % Alphabet.size());
        }
    }
    return code;
}

ServerError notSaved()
{
    return ServerError::unavailable(QStringLiteral("The device sign-in could not be saved; try again."));
}

ServerError notRead()
{
    return ServerError::unavailable(QStringLiteral("The device sign-in could not be read; try again."));
}
} // namespace

DeviceGrantStore::DeviceGrantStore(Database &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{
}

QString DeviceGrantStore::normalizeUserCode(const QString &typed)
{
    QString code;
    for (const QChar c : typed) {
        if (c == u'-' || c.isSpace())
            continue;
        const QChar upper = c.toUpper();
        if (upper.unicode() > 127 || !Alphabet.contains(upper) || code.size() >= Protocol::UserCodeLength)
            return {};
        code += upper;
    }
    return code.size() == Protocol::UserCodeLength ? code : QString();
}

QString DeviceGrantStore::keyOf(const QByteArray &deviceCode)
{
    return QString::fromLatin1(Pkce::challengeFor(deviceCode));
}

void DeviceGrantStore::purgeExpired()
{
    // Once a second at most. A grant stays a while after it expired, so a late
    // poll is told expired_token rather than that the code is unknown.
    const qint64 now = m_clock.now();
    if (now == m_purgedAt)
        return;
    m_purgedAt = now;
    m_db.exec(QStringLiteral("DELETE FROM device_grants WHERE expires_at < ?"),
              {now - Protocol::DeviceCodeLifetimeSeconds});
}

Result<DeviceAuthorization> DeviceGrantStore::create(const QString &clientId, const QString &scope)
{
    purgeExpired();
    const QByteArray deviceCode = SecureRandom::token(DeviceCodeBytes);
    const qint64 now = m_clock.now();
    for (int attempt = 0; attempt < UserCodeAttempts; ++attempt) {
        const QString userCode = newUserCode();
        // A user code still in the table (even expired, until purged) is drawn again.
        QSqlQuery &q = m_db.query(QStringLiteral(
            "INSERT INTO device_grants (device_code_hash, user_code_hash, client_id, scope, status, poll_interval, "
            "created_at, expires_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (user_code_hash) DO NOTHING"));
        const QVariantList values{keyOf(deviceCode),
                                  userCodeHash(userCode),
                                  clientId,
                                  scope,
                                  statusText(Status::Pending),
                                  Protocol::DevicePollIntervalSeconds,
                                  now,
                                  now + Protocol::DeviceCodeLifetimeSeconds};
        for (int i = 0; i < values.size(); ++i)
            q.bindValue(i, values.at(i));
        if (!m_db.run(q))
            return notSaved();
        const bool inserted = q.numRowsAffected() == 1;
        q.finish();
        if (inserted)
            return DeviceAuthorization{deviceCode, userCode.left(4) + u'-' + userCode.mid(4),
                                       Protocol::DeviceCodeLifetimeSeconds, Protocol::DevicePollIntervalSeconds};
    }
    return notSaved();
}

Result<std::optional<DeviceGrant>> DeviceGrantStore::read(const QString &where, const QVariant &value)
{
    QSqlQuery &q = m_db.query(SelectGrant + where + QStringLiteral(" = ? AND expires_at >= ?"));
    q.bindValue(0, value);
    q.bindValue(1, m_clock.now());
    if (!m_db.run(q))
        return notRead();
    std::optional<DeviceGrant> grant;
    if (q.next()) {
        const SqlRow row(q);
        grant = DeviceGrant{row.text("device_code_hash"), row.text("client_id"), row.text("scope"),
                            statusOf(row.text("status")), row.number("expires_at")};
    }
    q.finish();
    return grant;
}

Result<std::optional<DeviceGrant>> DeviceGrantStore::findByUserCode(const QString &typed)
{
    const QString normalized = normalizeUserCode(typed);
    if (normalized.isEmpty())
        return std::optional<DeviceGrant>();
    return read(QStringLiteral("user_code_hash"), userCodeHash(normalized));
}

Result<std::optional<DeviceGrant>> DeviceGrantStore::find(const QString &key)
{
    if (key.isEmpty())
        return std::optional<DeviceGrant>();
    return read(QStringLiteral("device_code_hash"), key);
}

Result<bool> DeviceGrantStore::decide(const QString &key, Status decision)
{
    QSqlQuery &q = m_db.query(QStringLiteral("UPDATE device_grants SET status = ?, decided_at = ? WHERE "
                                             "device_code_hash = ? AND status = ? AND expires_at >= ?"));
    q.bindValue(0, statusText(decision));
    q.bindValue(1, m_clock.now());
    q.bindValue(2, key);
    q.bindValue(3, statusText(Status::Pending));
    q.bindValue(4, m_clock.now());
    if (!m_db.run(q))
        return notSaved();
    const bool decided = q.numRowsAffected() == 1;
    q.finish();
    return decided;
}

Result<bool> DeviceGrantStore::deny(const QString &key)
{
    return decide(key, Status::Denied);
}

Result<bool> DeviceGrantStore::approve(const QString &key, const std::function<Result<void>()> &issue)
{
    Transaction transaction(m_db);
    if (!transaction.isOpen())
        return notSaved();
    // The conditional write decides: of two sign-ins of one grant, at any
    // instances, the second finds it no longer pending (PostgreSQL makes it
    // wait for the first's commit, SQLite has one writer at a time).
    const auto won = decide(key, Status::Approved);
    if (!won)
        return won.error();
    if (!*won)
        return false;
    if (auto issued = issue(); !issued)
        return issued.error();
    if (!transaction.commit())
        return notSaved();
    return true;
}

Result<DeviceGrantStore::Poll> DeviceGrantStore::poll(const QByteArray &deviceCode, const QString &clientId)
{
    const QString key = keyOf(deviceCode);
    const qint64 now = m_clock.now();
    QSqlQuery &q = m_db.query(
        QStringLiteral("SELECT client_id, status, expires_at FROM device_grants WHERE device_code_hash = ?"));
    q.bindValue(0, key);
    if (!m_db.run(q))
        return notRead();
    if (!q.next()) {
        q.finish();
        return Poll::Unknown;
    }
    const SqlRow row(q);
    const QString owner = row.text("client_id");
    const Status status = statusOf(row.text("status"));
    const qint64 expiresAt = row.number("expires_at");
    q.finish();
    // Another client's device code is no device code of this client's.
    if (owner != clientId)
        return Poll::Unknown;
    if (expiresAt < now)
        return Poll::Expired;
    // One conditional write: a poll at least the interval after the previous
    // one (at whichever instance) is on time and records itself.
    QSqlQuery &onTime = m_db.query(QStringLiteral("UPDATE device_grants SET polled_at = ? WHERE device_code_hash = ? "
                                                  "AND (polled_at IS NULL OR polled_at + poll_interval <= ?)"));
    onTime.bindValue(0, now);
    onTime.bindValue(1, key);
    onTime.bindValue(2, now);
    if (!m_db.run(onTime))
        return notSaved();
    const bool punctual = onTime.numRowsAffected() == 1;
    onTime.finish();
    if (!punctual) {
        // RFC 8628 3.5: this and every later poll waits 5 s more.
        if (!m_db.exec(QStringLiteral("UPDATE device_grants SET poll_interval = poll_interval + ?, polled_at = ? "
                                      "WHERE device_code_hash = ?"),
                       {Protocol::DeviceSlowDownSeconds, now, key}))
            return notSaved();
        return Poll::SlowDown;
    }
    switch (status) {
    case Status::Approved:
        return Poll::Approved;
    case Status::Denied:
        return Poll::Denied;
    case Status::Pending:
        break;
    }
    return Poll::Pending;
}
