#pragma once

#include "UpstreamAttempt.h"
#include "UpstreamProfile.h"

#include <QHttpServerResponse>
#include <QString>
#include <QUrl>

#include <optional>

class Clock;
class Database;
class KeyCipher;
class TokenIssuer;
class TokenStore;

// The sign-ins between /authorize and the redirect back to the app: kept in
// the database for 10 minutes, so any instance serving it can take the next
// step, finished exactly once (with a code or an error for the app; the
// claim is one conditional UPDATE, so two instances cannot both finish it),
// and remembered as finished until they expire, so a replayed upstream
// answer is told apart from one that never belonged here. The upstream PKCE
// verifier is kept sealed (KeyCipher), the browser binding only as a hash.
class SignInFlow
{
public:
    static constexpr qint64 Lifetime = 600;

    struct Pending
    {
        QString id;
        QString clientId;
        QString redirectUri;
        QString state;
        QString nonce;
        QString codeChallenge;
        QString scope;
        QString loginHint;
        qint64 createdAt = 0;
        QString clientAddress; // who asked: caps are per address
        // Towards an upstream provider, once the person picked one.
        QString providerId;
        UpstreamAttempt upstream;
        QByteArray browserBindingHash; // of the cookie that ties the upstream's answer to this browser
        bool finished = false;
    };

    enum class Claim { Won, AlreadyFinished, Failed };

    SignInFlow(Database &db, const Clock &clock, const KeyCipher &cipher, TokenStore &tokens, const TokenIssuer &issuer,
               int maxPerAddress);

    // The new sign-in's id; empty when the server holds as many as it can
    // (*busy) or the database could not be written. An address at its cap
    // loses its own oldest sign-in, never another's.
    QString add(const Pending &pending, bool *busy);
    // Nullopt when unknown or expired, or when the database could not be read
    // (then expiredOrUnavailable() says so); finished ones are returned.
    std::optional<Pending> find(const QString &requestId);
    // Starts (or starts over) the way to an upstream provider; false when it could not be saved.
    bool attachUpstream(const QString &requestId, const QString &providerId, const UpstreamAttempt &attempt,
                        const QByteArray &browserBinding);
    // The sign-in whose upstream attempt has this state.
    QString findByUpstreamState(const QString &state);
    static bool isBoundTo(const Pending &pending, const QByteArray &browserBinding);
    // Marks the sign-in finished, unless it is already: of all instances, one wins.
    Claim claim(const QString &requestId);

    // Ends the sign-in with a code for the app (`fault`: QA mode, attached by the tester).
    QHttpServerResponse complete(const QString &requestId, const UpstreamProfile &profile, const QString &fault = {});
    // Ends the sign-in with an error at the app's redirect URI (PROTOCOL.md 4).
    QHttpServerResponse fail(const QString &requestId, const QString &error, const QString &description);
    // The same for a sign-in this caller already claimed.
    QHttpServerResponse completeClaimed(const Pending &pending, const UpstreamProfile &profile,
                                        const QString &fault = {});
    QHttpServerResponse failClaimed(const Pending &pending, const QString &error, const QString &description) const;
    // Where the page's forms may lead, for its Content-Security-Policy.
    QUrl returnTo(const QString &requestId);

    QHttpServerResponse redirectError(const QString &redirectUri, const QString &state, const QString &error,
                                      const QString &description) const;
    static QHttpServerResponse expired();
    // After find() found nothing: expired(), or 503 when the database could not be read.
    QHttpServerResponse expiredOrUnavailable() const;
    static QHttpServerResponse errorPage(const QString &heading, const QString &message,
                                         QHttpServerResponse::StatusCode status
                                         = QHttpServerResponse::StatusCode::BadRequest);

private:
    void purgeExpired();
    bool evictOldestOf(const QString &address);
    int count(const QString &sql, const QVariantList &values);
    QUrl redirectUrl(const QString &redirectUri, const QList<std::pair<QString, QString>> &fields) const;

    Database &m_db;
    const Clock &m_clock;
    const KeyCipher &m_cipher;
    TokenStore &m_tokens;
    const TokenIssuer &m_issuer;
    int m_maxPerAddress;
    quint64 m_arrivals = 0;
    bool m_readFailed = false; // the last find() could not read the database
    qint64 m_purgedAt = 0;
};
