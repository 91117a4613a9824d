#pragma once

#include "PendingSignIn.h"
#include "Result.h"

#include <QString>

#include <optional>

class Clock;
class Database;
class KeyCipher;

// The sign-ins between /authorize and the redirect back to the app: kept in
// the database for 10 minutes, so any instance serving it can take the next
// step, finished exactly once (the claim is one conditional UPDATE, so two
// instances cannot both finish it), and remembered as finished until they
// expire, so a replayed upstream answer is told apart from one that never
// belonged here. The upstream PKCE verifier is kept sealed (KeyCipher), the
// browser binding only as a hash. Errors are 503s: the database could not
// be read or written, or (isBusy) the server holds all it can.
class SignInStore
{
public:
    static constexpr qint64 Lifetime = 600;

    enum class Claim { Won, AlreadyFinished };

    // At most maxPending sign-ins in all, maxPerAddress from one client address.
    SignInStore(Database &db, const Clock &clock, const KeyCipher &cipher, int maxPerAddress, int maxPending);

    // The new sign-in's id. An address at its cap loses its own oldest
    // sign-in, never another's; a full server makes room by taking the oldest
    // of the address that holds the most, when it holds more than the newcomer.
    Result<QString> add(const PendingSignIn &pending);
    // Whether add() failed because the server holds as many sign-ins as it can.
    static bool isBusy(const ServerError &error);
    // Nullopt when unknown or expired; finished ones are returned.
    Result<std::optional<PendingSignIn>> find(const QString &requestId);
    // Starts (or starts over) the way to an upstream provider.
    Result<void> attachUpstream(const QString &requestId, const QString &providerId, const UpstreamAttempt &attempt,
                                const QByteArray &browserBinding);
    // The sign-in whose upstream attempt has this state; empty when none.
    Result<QString> findByUpstreamState(const QString &state);
    static bool isBoundTo(const PendingSignIn &pending, const QByteArray &browserBinding);
    // Marks the sign-in finished, unless it is already: of all instances, one wins.
    Result<Claim> claim(const QString &requestId);
    // The sign-ins still waiting for the person: unfinished and not expired.
    Result<int> waiting();

private:
    void purgeExpired();
    Result<void> evictOldestOf(const QString &address);
    Result<bool> makeRoomFor(const QString &address);
    Result<int> count(const QString &sql, const QVariantList &values);
    PendingSignIn read(const class SqlRow &row) const;

    Database &m_db;
    const Clock &m_clock;
    const KeyCipher &m_cipher;
    int m_maxPerAddress;
    int m_maxPending;
    quint64 m_arrivals = 0;
    qint64 m_purgedAt = 0;
};
