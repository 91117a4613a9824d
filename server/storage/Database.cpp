#include "Database.h"
#include "ServerLogging.h"

#include "EmailKey.h"

#include "LogText.h"
#include "Metrics.h"

#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QUuid>

#include "WalCheckpointer.h"

#include <algorithm>
#include <array>
#include <map>

namespace {

// A database's errors quote values (a username, a key) and may span lines;
// they are the whole diagnosis, so more of them is kept than logText's default.
constexpr qsizetype MaxLoggedError = 500;
// The schema version whose script is followed by Database::fillEmailKeys().
constexpr int EmailKeyVersion = 5;

// Each entry upgrades the schema by one version; never edit a released one.
const std::array<const char *, 8> Migrations{{
    R"sql(
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL COLLATE NOCASE UNIQUE,
    name TEXT,
    email TEXT,
    email_verified INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
-- A verified email belongs to one account: makes email_in_use race-safe.
CREATE UNIQUE INDEX accounts_verified_email ON accounts (email COLLATE NOCASE) WHERE email_verified = 1;
CREATE TABLE identities (
    provider_id TEXT NOT NULL,
    provider_user_id TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    linked_at INTEGER NOT NULL,
    PRIMARY KEY (provider_id, provider_user_id)
);
CREATE INDEX identities_account ON identities (account_id);
-- A sign-in session. Its refresh token is "<id>.<secret>": only the current
-- token's hash is kept, so a rotation rewrites one row, and a wrong secret
-- for a known id can only be an old token replayed (ids appear nowhere else).
CREATE TABLE token_families (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    refresh_hash BLOB,
    refresh_expires_at INTEGER,
    rotations INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE authorization_codes (
    code_hash BLOB PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    nonce TEXT NOT NULL,
    scope TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    provider_user_id TEXT NOT NULL,
    email TEXT,
    email_verified INTEGER NOT NULL,
    name TEXT,
    upstream_username TEXT,
    auth_time INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    family_id TEXT,
    onboarding_jti TEXT
) WITHOUT ROWID;
-- Onboarding token ids that were used or revoked: a jti is single use.
CREATE TABLE onboardings (
    jti TEXT PRIMARY KEY,
    account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE,
    idempotency_key TEXT,
    family_id TEXT,
    completed_at INTEGER,
    revoked_at INTEGER,
    expires_at INTEGER NOT NULL
);
)sql",
    // Version 2: every identity so far came from a simulated QA provider. They
    // move into the "qa:" namespace, which no real upstream provider matches,
    // so QA accounts seeded by an earlier version cannot be signed into.
    R"sql(
UPDATE identities SET provider_id = 'qa:' || provider_id WHERE provider_id NOT LIKE 'qa:%';
UPDATE authorization_codes SET provider_id = 'qa:' || provider_id WHERE provider_id NOT LIKE 'qa:%';
-- QA mode: a fault a tester attached to the sign-in (docs/qa.md, "QA faults").
ALTER TABLE authorization_codes ADD COLUMN qa_fault TEXT;
)sql",
    // Version 3: a refresh response lost on the way must not end the session
    // (PROTOCOL.md 5.2). The token retired by the latest rotation is kept (its
    // hash) with when it was retired; it is cleared once the current token has
    // been used, so a previous token is accepted once, while its successor is unused.
    R"sql(
ALTER TABLE token_families ADD COLUMN previous_hash BLOB;
ALTER TABLE token_families ADD COLUMN previous_retired_at INTEGER;
)sql",
    // Version 4: several instances serve one database (docs/deployment.md, "Several
    // instances"), so what one instance starts another must be able to finish.
    R"sql(
-- The signing keys, moved here from signing-keys.json by KeyStore: the
-- private key sealed with AES-256-GCM under the key file's key (KeyCipher).
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    algorithm TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    private_key TEXT NOT NULL,
    activates_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
-- Sign-ins between /authorize and the redirect back to the app (SignInFlow).
CREATE TABLE pending_sign_ins (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    state TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    scope TEXT NOT NULL,
    login_hint TEXT,
    client_address TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    arrival BIGINT NOT NULL,
    provider_id TEXT,
    upstream_state TEXT UNIQUE,
    upstream_nonce TEXT,
    upstream_verifier TEXT,
    upstream_redirect_uri TEXT,
    browser_binding_hash TEXT,
    finished INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX pending_sign_ins_address ON pending_sign_ins (client_address, arrival);
CREATE INDEX pending_sign_ins_created ON pending_sign_ins (created_at);
)sql",
    // Version 5: verified emails compare under Unicode case folding, the same
    // on both backends (EmailKey): SQLite's NOCASE folded ASCII only, and
    // PostgreSQL's ICU collation also took full-width letters, ligatures and
    // superscripts for equal. Filled by fillEmailKeys() after this script.
    R"sql(
ALTER TABLE accounts ADD COLUMN email_key TEXT;
)sql",
    // Version 6: the key, not the collation, makes email_in_use race-safe.
    R"sql(
DROP INDEX accounts_verified_email;
CREATE UNIQUE INDEX accounts_verified_email_key ON accounts (email_key) WHERE email_verified = 1;
)sql",
    // Version 7: one person, several sign-in methods (PROTOCOL.md 6.5). An
    // identity records the upstream issuer it came from, so a provider id
    // pointed at another issuer matches none of the old one's identities: the
    // key becomes (provider, issuer, user id). Stored identities get '' here
    // and today's configured issuer at start-up (Database::fillUpstreamIssuers).
    R"sql(
CREATE TABLE identities_v7 (
    provider_id TEXT NOT NULL,
    upstream_issuer TEXT NOT NULL,
    provider_user_id TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email TEXT,
    linked_at INTEGER NOT NULL,
    PRIMARY KEY (provider_id, upstream_issuer, provider_user_id)
);
-- The email each identity had when linked; the first identity had the account's.
INSERT INTO identities_v7 (provider_id, upstream_issuer, provider_user_id, account_id, email, linked_at)
    SELECT i.provider_id, '', i.provider_user_id, i.account_id, a.email, i.linked_at
    FROM identities i JOIN accounts a ON a.id = i.account_id;
DROP TABLE identities;
ALTER TABLE identities_v7 RENAME TO identities;
CREATE INDEX identities_account ON identities (account_id);
-- What a code was issued for: the identity's issuer, the link it completed.
ALTER TABLE authorization_codes ADD COLUMN upstream_issuer TEXT NOT NULL DEFAULT '';
ALTER TABLE authorization_codes ADD COLUMN linked_provider TEXT;
-- Onboarding creates the identity its code recorded, found by the token's jti.
CREATE INDEX authorization_codes_onboarding ON authorization_codes (onboarding_jti);
-- What the app asked of the upstream sign-in (PROTOCOL.md 4), and the link it confirms.
ALTER TABLE pending_sign_ins ADD COLUMN prompt TEXT;
ALTER TABLE pending_sign_ins ADD COLUMN max_age BIGINT;
ALTER TABLE pending_sign_ins ADD COLUMN link_id TEXT;
-- A link waiting for the person to prove the other identity (PROTOCOL.md 6.5).
-- "pending": an identity of an onboarding token, to join account_id (who holds
-- its email); "add": a signed-in account adding the identity it proves at provider_id.
CREATE TABLE link_requests (
    id_hash BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    client_id TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    provider_id TEXT NOT NULL,
    upstream_issuer TEXT,
    provider_user_id TEXT,
    email TEXT,
    onboarding_jti TEXT,
    onboarding_expires_at BIGINT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    -- Which authorization request took it (a hash of its state and PKCE
    -- challenge): the app's "open the browser again" sends that same request.
    taken_by BLOB
);
CREATE INDEX link_requests_expires ON link_requests (expires_at);
)sql",
    // Version 8: the device authorization grant (RFC 8628, PROTOCOL.md 10).
    R"sql(
-- A device waiting for its person (DeviceGrantStore). The device code is
-- kept only as BASE64URL(SHA256(device_code)), which is also the PKCE
-- challenge of the authorization code its approval makes; the user code only
-- as the SHA-256 of its 8 letters, uppercase, without the dash.
CREATE TABLE device_grants (
    device_code_hash TEXT PRIMARY KEY,
    user_code_hash BLOB NOT NULL UNIQUE,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    status TEXT NOT NULL,
    poll_interval BIGINT NOT NULL,
    polled_at BIGINT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX device_grants_expires ON device_grants (expires_at);
-- The device grant a sign-in approves, instead of a redirect with a code.
ALTER TABLE pending_sign_ins ADD COLUMN device_grant TEXT;
)sql",
}};

// One writer lock per SQLite file, shared by every connection of this process.
std::mutex &writerLockOf(const QString &path)
{
    static std::mutex registryMutex;
    static std::map<QString, std::unique_ptr<std::mutex>> locks;
    const std::lock_guard<std::mutex> guard(registryMutex);
    auto &lock = locks[path];
    if (!lock)
        lock = std::make_unique<std::mutex>();
    return *lock;
}

} // namespace

Database::Database()
    : m_name(QStringLiteral("latchkey-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

Database::~Database()
{
    close();
}

int Database::schemaVersion()
{
    return int(Migrations.size());
}

Result<void> Database::open(const QString &path)
{
    DatabaseUrl url;
    url.path = path;
    if (const auto connected = connect(url); !connected)
        return connected;
    const StartupLock lock(*this);
    if (const auto held = lock.isHeld(); !held)
        return held;
    if (const auto migrated = migrate(); !migrated)
        return migrated.error();
    return {};
}

Result<void> Database::connect(const DatabaseUrl &url, Role role)
{
    m_url = url;
    m_role = role;
    m_dialect = SqlDialect(url.kind);
    m_path = url.display();
    m_db = QSqlDatabase::addDatabase(m_dialect.driverName(), m_name);
    if (!m_db.isValid())
        return ServerError::startup(
            QStringLiteral("cannot open the database %1: Qt's %2 driver is missing (for PostgreSQL, install "
                           "libqt6sql6-psql)")
                .arg(m_path, m_dialect.driverName()));
    m_db.setDatabaseName(url.path);
    if (m_dialect.isPostgresql()) {
        m_db.setHostName(url.host);
        m_db.setPort(url.port);
        m_db.setUserName(url.user);
        // From the environment, never argv; unset, libpq reads PGPASSFILE or ~/.pgpass.
        const QByteArray password = qgetenv("LATCHKEY_DATABASE_PASSWORD");
        if (!password.isEmpty())
            m_db.setPassword(QString::fromUtf8(password));
        QStringList options{QStringLiteral("connect_timeout=10"), QStringLiteral("application_name=latchkey-server")};
        if (!url.options.isEmpty())
            options.append(url.options);
        m_db.setConnectOptions(options.join(u';'));
    }
    if (!m_db.open())
        return ServerError::startup(
            QStringLiteral("cannot open the database %1: %2").arg(m_path, m_db.lastError().text().trimmed()));
    return configure();
}

Result<void> Database::configure()
{
    for (const QString &statement : m_dialect.connectionSetup()) {
        if (!command(statement))
            return ServerError::startup(
                QStringLiteral("cannot configure the database: %1").arg(m_db.lastError().text()));
    }
    if (m_dialect.kind() == SqlDialect::Kind::Sqlite) {
        if (m_role == Role::Main)
            m_checkpointer = std::make_unique<WalCheckpointer>(m_url.path);
        exec(QStringLiteral("PRAGMA wal_autocheckpoint = 0"));
    }
    return {};
}

void Database::close()
{
    releaseWriter();
    m_checkpointer.reset();
    m_queries.clear();
    m_failedPrepare.reset();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
}

int Database::currentVersion()
{
    QSqlQuery q(m_db);
    if (!q.exec(m_dialect.readVersion()) || !q.next())
        return -1;
    return q.value(0).toInt();
}

Result<bool> Database::migrate()
{
    for (const QString &statement : m_dialect.schemaSetup()) {
        if (!command(statement))
            return ServerError::startup(
                QStringLiteral("cannot prepare the database for its schema: %1").arg(m_db.lastError().text()));
    }
    const int version = currentVersion();
    if (version < 0)
        return ServerError::startup(
            QStringLiteral("cannot read the schema version of %1: %2").arg(m_path, m_db.lastError().text()));
    if (version > schemaVersion())
        return ServerError::startup(QStringLiteral("the database has schema version %1, newer than this server's %2")
                                        .arg(version)
                                        .arg(schemaVersion()));
    if (const auto upgraded = upgradeFrom(version); !upgraded)
        return upgraded.error();
    return version == 0;
}

Result<void> Database::upgradeFrom(int version)
{
    for (int next = version; next < schemaVersion(); ++next) {
        Transaction transaction(*this);
        QString script = m_dialect.translate(QString::fromUtf8(Migrations[size_t(next)]));
        script.remove(QRegularExpression(QStringLiteral("--[^\n]*")));
        const QStringList statements = script.split(u';', Qt::SkipEmptyParts);
        for (const QString &statement : statements) {
            if (!statement.trimmed().isEmpty() && !command(statement))
                return ServerError::startup(
                    QStringLiteral("migration to version %1 failed: %2").arg(next + 1).arg(m_db.lastError().text()));
        }
        if (next + 1 == EmailKeyVersion) {
            if (const auto filled = fillEmailKeys(); !filled)
                return filled;
        }
        if (!command(m_dialect.writeVersion(next + 1)) || !transaction.commit())
            return ServerError::startup(QStringLiteral("cannot record schema version %1").arg(next + 1));
    }
    return {};
}

// Every stored email gets its key. Two verified addresses that were apart
// under the old collation but share a key keep the verification only on the
// older account, so the unique index of version 6 can be made.
Result<void> Database::fillEmailKeys()
{
    QSqlQuery rows(m_db);
    if (!rows.exec(QStringLiteral("SELECT id, email, email_verified FROM accounts WHERE email IS NOT NULL "
                                  "ORDER BY created_at, id")))
        return ServerError::startup(
            QStringLiteral("migration to version %1 failed: %2").arg(EmailKeyVersion).arg(rows.lastError().text()));
    QSet<QString> verifiedKeys;
    int unverified = 0;
    while (rows.next()) {
        const QString key = EmailKey::of(rows.value(1).toString());
        bool verified = rows.value(2).toInt() != 0;
        if (verified && verifiedKeys.contains(key)) {
            verified = false;
            ++unverified;
        }
        if (verified)
            verifiedKeys.insert(key);
        QSqlQuery update(m_db);
        update.prepare(QStringLiteral("UPDATE accounts SET email_key = ?, email_verified = ? WHERE id = ?"));
        update.addBindValue(key);
        update.addBindValue(verified ? 1 : 0);
        update.addBindValue(rows.value(0));
        if (!update.exec())
            return ServerError::startup(
                QStringLiteral("migration to version %1 failed: %2").arg(EmailKeyVersion).arg(update.lastError().text()));
    }
    if (unverified > 0)
        qCWarning(lcDatabase, "%d accounts lost the verification of an email another, older account has", unverified);
    return {};
}

void Database::reconnect()
{
    if (m_inTransaction || (m_lastReconnect.isValid() && m_lastReconnect.elapsed() < ReconnectIntervalMs))
        return;
    m_lastReconnect.start();
    m_lostQueries = m_queries.values();
    m_queries.clear();
    m_failedPrepare.reset();
    m_db.close();
    const auto configured = m_db.open() ? configure()
                                        : Result<void>(ServerError::startup(m_db.lastError().text().trimmed()));
    if (!configured) {
        qCWarning(lcDatabase, "cannot reconnect to %s: %s", qPrintable(m_path),
                  qPrintable(logText(configured.error().description, MaxLoggedError)));
        countError();
        return;
    }
    m_connectionLost = false;
    qCInfo(lcDatabase, "connected to %s again", qPrintable(m_path));
}

QSqlQuery &Database::query(const QString &sql)
{
    if (m_connectionLost)
        reconnect();
    auto &cached = m_queries[sql];
    if (!cached) {
        cached = std::make_shared<QSqlQuery>(m_db);
        if (!cached->prepare(sql)) {
            if (!m_dialect.isConnectionLost(cached->lastError()))
                qCCritical(lcDatabase, "cannot prepare statement: %s",
                           qPrintable(logText(m_dialect.describe(cached->lastError()), MaxLoggedError)));
            failed(*cached);
            // PostgreSQL prepares on the server, which refuses in a failed
            // transaction or without a connection: prepared again next time.
            m_failedPrepare = cached;
            m_queries.remove(sql);
            return *m_failedPrepare;
        }
    }
    cached->finish();
    return *cached;
}

bool Database::exec(const QString &sql, const QVariantList &values)
{
    QSqlQuery &q = query(sql);
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    const bool ok = run(q);
    // Results are not read here; an unfinished statement would block COMMIT.
    q.finish();
    return ok;
}

Result<void> Database::ping()
{
    // A connection lost while the database was away is found lost only now:
    // once it answers again, the probe says so at once, on whichever worker
    // thread's connection it lands (each has its own).
    if (!exec(QStringLiteral("SELECT 1")) && !(m_connectionLost && !m_inTransaction && retryAfterReconnect()))
        return ServerError::unavailable(QStringLiteral("The database does not answer."));
    return {};
}

bool Database::retryAfterReconnect()
{
    reconnect(); // at most once a second, as always: a database that does not answer may take its timeout
    return !m_connectionLost && exec(QStringLiteral("SELECT 1"));
}

bool Database::command(const QString &sql)
{
    if (m_dialect.preparesEveryStatement())
        return exec(sql);
    QSqlQuery q(m_db);
    if (!q.exec(sql)) {
        failed(q);
        return false;
    }
    return true;
}

bool Database::run(QSqlQuery &q)
{
    const QVariantList values = m_dialect.isPostgresql() ? q.boundValues() : QVariantList();
    if (!std::all_of(values.cbegin(), values.cend(), [this](const QVariant &v) { return m_dialect.canStore(v); })) {
        qCWarning(lcDatabase, "refused to store a text with a NUL character, which PostgreSQL cannot hold");
        countError();
        return false;
    }
    // A write outside a transaction queues for the file's writer lock like a
    // transaction does (begin()); in SQLite's busy handler it would sleep.
    std::unique_lock<std::mutex> writer;
    if (m_dialect.kind() == SqlDialect::Kind::Sqlite && !m_writer.owns_lock() && isWrite(q.lastQuery()))
        writer = std::unique_lock<std::mutex>(writerLockOf(m_url.path));
    if (!q.exec()) {
        failed(q);
        return false;
    }
    if (m_diskFull && !m_inTransaction && changedRows(q))
        wrote();
    return true;
}

bool Database::isWrite(const QString &sql)
{
    const QStringView text = QStringView(sql).trimmed();
    for (const auto verb : {u"INSERT", u"UPDATE", u"DELETE", u"REPLACE"}) {
        if (text.startsWith(verb, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool Database::changedRows(const QSqlQuery &q)
{
    return q.numRowsAffected() > 0 && isWrite(q.lastQuery());
}

void Database::failed(const QSqlQuery &q)
{
    // PostgreSQL ends a transaction at its first failed statement: a later
    // COMMIT would quietly roll back, so commit() must know.
    if (m_inTransaction)
        m_transactionFailed = m_dialect.isPostgresql();
    const QSqlError error = q.lastError();
    if (!m_dialect.isConstraintViolation(error))
        countError();
    if (m_dialect.isConnectionLost(error)) {
        if (!m_connectionLost)
            qCCritical(lcDatabase, "lost the connection to %s (%s); requests are answered 503 until it is back",
                       qPrintable(m_path), qPrintable(logText(m_dialect.describe(error), MaxLoggedError)));
        m_connectionLost = true;
        return;
    }
    // An answer, not a fault (a username taken in a race).
    if (m_dialect.isConstraintViolation(error)) {
        qCDebug(lcDatabase, "constraint: %s", qPrintable(logText(error.databaseText(), MaxLoggedError)));
        return;
    }
    if (!m_dialect.isDiskFull(error)) {
        qCWarning(lcDatabase, "statement failed: %s", qPrintable(logText(m_dialect.describe(error), MaxLoggedError)));
        return;
    }
    if (!m_diskFull)
        qCCritical(lcDatabase,
                   "cannot write %s: the disk is full (%s); requests that write are answered 503 "
                   "until there is space again",
                   qPrintable(m_path), qPrintable(logText(error.databaseText(), MaxLoggedError)));
    m_diskFull = true;
}

void Database::countError()
{
    if (m_metrics)
        m_metrics->countDatabaseError();
}

void Database::wrote()
{
    if (m_diskFull)
        qCInfo(lcDatabase, "writes to %s work again", qPrintable(m_path));
    m_diskFull = false;
}

bool Database::begin()
{
    if (m_connectionLost)
        reconnect();
    m_transactionFailed = false;
    if (m_dialect.kind() == SqlDialect::Kind::Sqlite && !m_writer.owns_lock())
        m_writer = std::unique_lock<std::mutex>(writerLockOf(m_url.path));
    m_inTransaction = command(m_dialect.beginWrite());
    if (!m_inTransaction)
        releaseWriter();
    return m_inTransaction;
}

void Database::releaseWriter()
{
    if (m_writer.owns_lock())
        m_writer.unlock();
}

bool Database::commit()
{
    m_inTransaction = false;
    if (m_transactionFailed || !command(QStringLiteral("COMMIT"))) {
        // SQLite may or may not have rolled back already (a full disk, an I/O
        // error); left open, the transaction would swallow every later write.
        rollback();
        return false;
    }
    releaseWriter();
    wrote();
    return true;
}

void Database::rollback()
{
    m_inTransaction = false;
    m_transactionFailed = false;
    // Fails harmlessly when the database has rolled back on its own.
    if (m_dialect.preparesEveryStatement()) {
        QSqlQuery &q = query(QStringLiteral("ROLLBACK"));
        q.exec();
        q.finish();
    } else {
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
    }
    releaseWriter();
}

StartupLock::StartupLock(Database &db)
    : m_db(db)
{
    if (db.dialect().isPostgresql()) {
        QSqlQuery q(db.connection());
        m_held = q.exec(db.dialect().acquireStartupLock());
        if (!m_held)
            m_error = QStringLiteral("cannot lock the database for start-up: %1").arg(q.lastError().text());
        return;
    }
    m_file = std::make_unique<QLockFile>(db.url().path + QStringLiteral(".startup-lock"));
    // Only a living holder keeps it: a migration may take longer than any stale time.
    m_file->setStaleLockTime(0);
    m_held = m_file->tryLock(StartupLockWaitMs);
    if (!m_held)
        m_error = QStringLiteral("cannot lock %1 for start-up: another latchkey-server is starting on it")
                      .arg(m_file->fileName());
}

StartupLock::~StartupLock()
{
    if (!m_held)
        return;
    if (m_file)
        m_file->unlock();
    else
        QSqlQuery(m_db.connection()).exec(m_db.dialect().releaseStartupLock());
}

Result<void> StartupLock::isHeld() const
{
    if (!m_held)
        return ServerError::startup(m_error);
    return {};
}
