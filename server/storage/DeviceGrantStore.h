#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>

class Clock;
class Database;

// What /device_authorization answers (RFC 8628 3.2); the device code and the
// user code are the only copies in clear.
struct DeviceAuthorization
{
    QByteArray deviceCode;
    QString userCode; // shown as XXXX-XXXX
    qint64 expiresIn = 0;
    qint64 interval = 0;
};

// A device grant as the verification page and the token endpoint see it.
struct DeviceGrant
{
    enum class Status { Pending, Approved, Denied };

    // BASE64URL(SHA256(device_code)): the row's key, and the PKCE challenge
    // the approval's authorization code is bound to (PROTOCOL.md 10).
    QString key;
    QString clientId;
    QString scope;
    Status status = Status::Pending;
    qint64 expiresAt = 0;
};

// Device authorization grants (RFC 8628, PROTOCOL.md 10), in the database so
// that any instance can show the verification page, finish the sign-in or
// answer the device's polls. The device code is stored only as its SHA-256,
// the user code only as the SHA-256 of its normalized letters. Every decision
// (approve, deny, a poll's slow_down) is one conditional UPDATE, so of two
// instances one wins. Approval makes an authorization code whose hash is the
// device code's (TokenStore::createDeviceCode): the token endpoint redeems it
// once with the device code as its PKCE verifier, so single use and what a
// second use revokes are the code's.
class DeviceGrantStore
{
public:
    using Status = DeviceGrant::Status;
    // A poll's verdict (RFC 8628 3.5); Approved: redeem the code now.
    enum class Poll { Unknown, Expired, SlowDown, Pending, Denied, Approved };

    DeviceGrantStore(Database &db, const Clock &clock);

    Result<DeviceAuthorization> create(const QString &clientId, const QString &scope);
    // The grant whose user code `typed` is (any case, with or without the
    // dash or spaces); nullopt when none, or expired.
    Result<std::optional<DeviceGrant>> findByUserCode(const QString &typed);
    Result<std::optional<DeviceGrant>> find(const QString &key);
    // Ends a pending grant with access_denied; false when it was no longer pending.
    Result<bool> deny(const QString &key);
    // Marks a pending grant approved and runs `issue` (which makes its
    // authorization code) in the same transaction; false, with nothing
    // issued, when the grant was no longer pending or has expired.
    Result<bool> approve(const QString &key, const std::function<Result<void>()> &issue);
    // One poll of the device with `deviceCode` for `clientId`. A poll earlier
    // than the grant's interval after the previous one is SlowDown, and adds
    // DeviceSlowDownSeconds to the interval for every later poll.
    Result<Poll> poll(const QByteArray &deviceCode, const QString &clientId);

    // "BCDFGHJK" from "bcdf-ghjk", " BCDF GHJK ", ...; empty when the text is
    // not 8 letters of the alphabet once case, dashes and spaces are ignored.
    static QString normalizeUserCode(const QString &typed);
    // BASE64URL(SHA256(device_code)).
    static QString keyOf(const QByteArray &deviceCode);

private:
    // The one conditional UPDATE from pending: true when this call decided it.
    Result<bool> decide(const QString &key, Status decision);
    void purgeExpired();
    Result<std::optional<DeviceGrant>> read(const QString &where, const QVariant &value);

    Database &m_db;
    const Clock &m_clock;
    qint64 m_purgedAt = 0;
};
