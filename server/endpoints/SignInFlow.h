#pragma once

#include "UpstreamAttempt.h"
#include "UpstreamProfile.h"

#include <QHash>
#include <QHttpServerResponse>
#include <QString>
#include <QUrl>

class Clock;
class TokenIssuer;
class TokenStore;

// The sign-ins between /authorize and the redirect back to the app: kept
// here for 10 minutes, finished exactly once (with a code or an error for
// the app), and remembered as finished until they expire, so a replayed
// upstream answer is told apart from one that never belonged here.
class SignInFlow
{
public:
    static constexpr qint64 Lifetime = 600;

    struct Pending
    {
        QString clientId;
        QString redirectUri;
        QString state;
        QString nonce;
        QString codeChallenge;
        QString scope;
        QString loginHint;
        qint64 createdAt = 0;
        // Towards an upstream provider, once the person picked one.
        QString providerId;
        UpstreamAttempt upstream;
        QByteArray browserBinding; // the cookie value that ties the upstream's answer to this browser
        QString fault;             // QA mode: the fault the tester attached
        QString clientAddress;     // who asked: caps are per address
        quint64 sequence = 0;      // order of arrival, set by add()
        bool finished = false;
    };

    SignInFlow(const Clock &clock, TokenStore &tokens, const TokenIssuer &issuer, int maxPerAddress);

    // The new sign-in's id; empty when the server holds as many as it can.
    // An address at its cap loses its own oldest sign-in, never another's.
    QString add(const Pending &pending);
    // Null when unknown or expired; finished ones are returned.
    Pending *find(const QString &requestId);
    // Starts (or starts over) the way to an upstream provider.
    void attachUpstream(const QString &requestId, const QString &providerId, const UpstreamAttempt &attempt,
                        const QByteArray &browserBinding);
    // The sign-in whose upstream attempt has this state.
    QString findByUpstreamState(const QString &state) const;

    // Ends the sign-in with a code for the app.
    QHttpServerResponse complete(const QString &requestId, const UpstreamProfile &profile);
    // Ends the sign-in with an error at the app's redirect URI (PROTOCOL.md 4).
    QHttpServerResponse fail(const QString &requestId, const QString &error, const QString &description);
    // Where the page's forms may lead, for its Content-Security-Policy.
    QUrl returnTo(const QString &requestId);

    QHttpServerResponse redirectError(const QString &redirectUri, const QString &state, const QString &error,
                                      const QString &description) const;
    static QHttpServerResponse expired();
    static QHttpServerResponse errorPage(const QString &heading, const QString &message,
                                         QHttpServerResponse::StatusCode status
                                         = QHttpServerResponse::StatusCode::BadRequest);

private:
    void evictOldestOf(const QString &address);
    QUrl redirectUrl(const QString &redirectUri, const QList<std::pair<QString, QString>> &fields) const;

    const Clock &m_clock;
    TokenStore &m_tokens;
    const TokenIssuer &m_issuer;
    int m_maxPerAddress;
    quint64 m_nextSequence = 0;
    QHash<QString, Pending> m_pending;
    QHash<QString, QString> m_byUpstreamState;
};
