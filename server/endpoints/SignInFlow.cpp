#include "SignInFlow.h"

#include "Clock.h"
#include "Database.h"
#include "FormData.h"
#include "KeyCipher.h"
#include "PageRenderer.h"
#include "Reply.h"
#include "SecureRandom.h"
#include "TokenIssuer.h"
#include "TokenStore.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QSqlQuery>

namespace {
constexpr int MaxPending = 10000;
const QString SelectPending = QStringLiteral(
    "SELECT id, client_id, redirect_uri, state, nonce, code_challenge, scope, login_hint, created_at, "
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
} // namespace

SignInFlow::SignInFlow(Database &db, const Clock &clock, const KeyCipher &cipher, TokenStore &tokens,
                       const TokenIssuer &issuer, int maxPerAddress)
    : m_db(db)
    , m_clock(clock)
    , m_cipher(cipher)
    , m_tokens(tokens)
    , m_issuer(issuer)
    , m_maxPerAddress(maxPerAddress)
{
}

QString SignInFlow::add(const Pending &pending, bool *busy)
{
    *busy = false;
    purgeExpired();
    if (!evictOldestOf(pending.clientAddress))
        return {};
    if (count(QStringLiteral("SELECT COUNT(*) FROM pending_sign_ins"), {}) >= MaxPending) {
        *busy = true;
        return {};
    }
    const QString id = QString::fromLatin1(SecureRandom::token(16));
    // Orders one address's sign-ins for eviction; across instances it is as good as their clocks.
    const qint64 arrival = QDateTime::currentMSecsSinceEpoch() * 1000 + qint64(++m_arrivals % 1000);
    const bool saved
        = m_db.exec(QStringLiteral(
                        "INSERT INTO pending_sign_ins (id, client_id, redirect_uri, state, nonce, code_challenge, "
                        "scope, login_hint, client_address, created_at, arrival) VALUES (?,?,?,?,?,?,?,?,?,?,?)"),
                    {id, pending.clientId, pending.redirectUri, pending.state, pending.nonce, pending.codeChallenge,
                     pending.scope, orNull(pending.loginHint), pending.clientAddress, pending.createdAt, arrival});
    return saved ? id : QString();
}

void SignInFlow::purgeExpired()
{
    // Once a second at most: /authorize stays one insert and two counts.
    const qint64 now = m_clock.now();
    if (now == m_purgedAt)
        return;
    m_purgedAt = now;
    m_db.exec(QStringLiteral("DELETE FROM pending_sign_ins WHERE created_at < ?"), {now - Lifetime});
}

int SignInFlow::count(const QString &sql, const QVariantList &values)
{
    QSqlQuery &q = m_db.query(sql);
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    const int n = m_db.run(q) && q.next() ? q.value(0).toInt() : 0;
    q.finish();
    return n;
}

bool SignInFlow::evictOldestOf(const QString &address)
{
    if (count(QStringLiteral("SELECT COUNT(*) FROM pending_sign_ins WHERE client_address = ?"), {address})
        < m_maxPerAddress)
        return true;
    return m_db.exec(QStringLiteral("DELETE FROM pending_sign_ins WHERE id IN (SELECT id FROM pending_sign_ins "
                                    "WHERE client_address = ? ORDER BY arrival LIMIT 1)"),
                     {address});
}

std::optional<SignInFlow::Pending> SignInFlow::find(const QString &requestId)
{
    m_readFailed = false;
    if (requestId.isEmpty())
        return std::nullopt;
    QSqlQuery &q = m_db.query(SelectPending + QStringLiteral("WHERE id = ? AND created_at >= ?"));
    q.bindValue(0, requestId);
    q.bindValue(1, m_clock.now() - Lifetime);
    m_readFailed = !m_db.run(q);
    if (m_readFailed || !q.next())
        return std::nullopt;
    Pending p;
    p.id = q.value(0).toString();
    p.clientId = q.value(1).toString();
    p.redirectUri = q.value(2).toString();
    p.state = q.value(3).toString();
    p.nonce = q.value(4).toString();
    p.codeChallenge = q.value(5).toString();
    p.scope = q.value(6).toString();
    p.loginHint = q.value(7).toString();
    p.createdAt = q.value(8).toLongLong();
    p.clientAddress = q.value(9).toString();
    p.providerId = q.value(10).toString();
    // An altered row opens to nothing: the upstream then refuses the code exchange, and the sign-in fails.
    const QByteArray verifier = q.value(13).isNull()
        ? QByteArray()
        : m_cipher.open(q.value(13).toString().toLatin1(), p.id.toUtf8()).value_or(QByteArray());
    p.upstream = UpstreamAttempt{q.value(11).toString(), q.value(12).toString(), verifier, q.value(14).toString()};
    p.browserBindingHash = q.value(15).toString().toLatin1();
    p.finished = q.value(16).toInt() != 0;
    q.finish();
    return p;
}

bool SignInFlow::attachUpstream(const QString &requestId, const QString &providerId, const UpstreamAttempt &attempt,
                                const QByteArray &browserBinding)
{
    return m_db.exec(QStringLiteral("UPDATE pending_sign_ins SET provider_id = ?, upstream_state = ?, "
                                    "upstream_nonce = ?, upstream_verifier = ?, upstream_redirect_uri = ?, "
                                    "browser_binding_hash = ? WHERE id = ? AND finished = 0"),
                     {providerId, attempt.state, orNull(attempt.nonce),
                      attempt.verifier.isEmpty()
                          ? QVariant()
                          : QVariant(QString::fromLatin1(m_cipher.seal(attempt.verifier, requestId.toUtf8()))),
                      attempt.redirectUri, QString::fromLatin1(bindingHash(browserBinding)), requestId});
}

QString SignInFlow::findByUpstreamState(const QString &state)
{
    if (state.isEmpty())
        return {};
    QSqlQuery &q = m_db.query(QStringLiteral("SELECT id FROM pending_sign_ins WHERE upstream_state = ?"));
    q.bindValue(0, state);
    const QString id = m_db.run(q) && q.next() ? q.value(0).toString() : QString();
    q.finish();
    return id;
}

bool SignInFlow::isBoundTo(const Pending &pending, const QByteArray &browserBinding)
{
    return !pending.browserBindingHash.isEmpty() && !browserBinding.isEmpty()
        && bindingHash(browserBinding) == pending.browserBindingHash;
}

SignInFlow::Claim SignInFlow::claim(const QString &requestId)
{
    QSqlQuery &q = m_db.query(QStringLiteral("UPDATE pending_sign_ins SET finished = 1 WHERE id = ? AND finished = 0"));
    q.bindValue(0, requestId);
    if (!m_db.run(q))
        return Claim::Failed;
    const bool won = q.numRowsAffected() == 1;
    q.finish();
    return won ? Claim::Won : Claim::AlreadyFinished;
}

QHttpServerResponse SignInFlow::complete(const QString &requestId, const UpstreamProfile &profile, const QString &fault)
{
    const auto pending = find(requestId);
    if (!pending)
        return expiredOrUnavailable();
    switch (claim(requestId)) {
    case Claim::Won:
        return completeClaimed(*pending, profile, fault);
    case Claim::AlreadyFinished:
        return expired();
    case Claim::Failed:
        break;
    }
    return redirectError(pending->redirectUri, pending->state, QStringLiteral("temporarily_unavailable"),
                         QStringLiteral("The sign-in could not be saved; try again."));
}

QHttpServerResponse SignInFlow::completeClaimed(const Pending &p, const UpstreamProfile &profile, const QString &fault)
{
    const AuthorizationGrant grant{p.clientId,      p.redirectUri,
                                   p.codeChallenge, p.nonce,
                                   p.scope,         profile.identity,
                                   profile.email,   profile.emailVerified && !profile.email.isEmpty(),
                                   profile.name,    profile.upstreamUsername,
                                   m_clock.now(),   fault};
    const QByteArray code = m_tokens.createCode(grant);
    if (code.isEmpty()) // RFC 6749 4.1.2.1: the app says so and can start again
        return redirectError(p.redirectUri, p.state, QStringLiteral("temporarily_unavailable"),
                             QStringLiteral("The sign-in could not be saved; try again."));
    return Reply::redirect(redirectUrl(p.redirectUri,
                                       {{QStringLiteral("code"), QString::fromLatin1(code)},
                                        {QStringLiteral("state"), p.state},
                                        {QStringLiteral("iss"), m_issuer.issuer()}}));
}

QHttpServerResponse SignInFlow::fail(const QString &requestId, const QString &error, const QString &description)
{
    const auto pending = find(requestId);
    // Unsaved, the claim costs nothing: the app learns the error, and the sign-in expires.
    if (!pending)
        return expiredOrUnavailable();
    if (claim(requestId) == Claim::AlreadyFinished)
        return expired();
    return failClaimed(*pending, error, description);
}

QHttpServerResponse SignInFlow::failClaimed(const Pending &p, const QString &error, const QString &description) const
{
    return redirectError(p.redirectUri, p.state, error, description);
}

QHttpServerResponse SignInFlow::redirectError(const QString &redirectUri, const QString &state, const QString &error,
                                              const QString &description) const
{
    QList<std::pair<QString, QString>> fields{{QStringLiteral("error"), error},
                                              {QStringLiteral("error_description"), description}};
    if (!state.isEmpty())
        fields.append({QStringLiteral("state"), state});
    fields.append({QStringLiteral("iss"), m_issuer.issuer()});
    return Reply::redirect(redirectUrl(redirectUri, fields));
}

QUrl SignInFlow::returnTo(const QString &requestId)
{
    const auto pending = find(requestId);
    return pending ? QUrl(pending->redirectUri) : QUrl();
}

QHttpServerResponse SignInFlow::expiredOrUnavailable() const
{
    if (!m_readFailed)
        return expired();
    // The database did not answer (PostgreSQL restarting, say): the sign-in may well be there.
    QHttpServerResponse response = errorPage(QStringLiteral("The server is busy"),
                                             QStringLiteral("This sign-in cannot be read just now. Reload the page in "
                                                            "a moment to continue."),
                                             Reply::Status::ServiceUnavailable);
    response.addHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1"));
    return response;
}

QHttpServerResponse SignInFlow::expired()
{
    return errorPage(QStringLiteral("This sign-in has expired"),
                     QStringLiteral("Sign-in pages are valid for 10 minutes and for one use. "
                                    "Return to the app and sign in again."));
}

QHttpServerResponse SignInFlow::errorPage(const QString &heading, const QString &message,
                                          QHttpServerResponse::StatusCode status)
{
    return Reply::html(PageRenderer::page(QStringLiteral("error"), heading,
                                          {{QStringLiteral("heading"), heading}, {QStringLiteral("message"), message}}),
                       status);
}

QUrl SignInFlow::redirectUrl(const QString &redirectUri, const QList<std::pair<QString, QString>> &fields) const
{
    QUrl url(redirectUri);
    url.setQuery(QString::fromLatin1(FormData::encode(fields)), QUrl::StrictMode);
    return url;
}
