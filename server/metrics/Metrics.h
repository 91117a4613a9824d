#pragma once

#include <QByteArray>
#include <QMap>
#include <QMutex>
#include <QString>

#include <array>
#include <functional>
#include <optional>
#include <utility>

// The server's Prometheus metrics (docs/server.md, "Metrics"): one registry
// for the process, which every thread's HttpServer, connection guard,
// database and endpoints write to, so every call is thread-safe. Label
// values are registered route paths, configured provider ids and the
// outcomes below, never text a client sent: that would make the series
// unbounded, and it may be a code or a token.
class Metrics
{
public:
    enum class SignIn { SignedIn, Onboarding, Cancelled, Refused, Unavailable, Invalid, Expired, Count };
    enum class Onboarding {
        Created,
        Replayed,
        UsernameTaken,
        EmailInUse,
        InvalidUsername,
        TermsNotAccepted,
        AlreadyCompleted,
        Expired,
        Revoked,
        InvalidToken,
        InvalidRequest,
        RateLimited,
        Unavailable,
        Count
    };
    enum class Refresh { Rotated, Grace, ReuseRevoked, Revoked, Expired, Invalid, InvalidScope, Unavailable, Count };
    // PROTOCOL.md 10: device authorization grants, from their start to the device's tokens.
    enum class DeviceGrant { Started, WrongCode, RateLimited, Denied, Approved, Issued, Count };
    enum class GuardRefusal {
        HeaderTooLarge,
        BodyTooLarge,
        TransferEncoding,
        BadContentLength,
        Timeout,
        PerAddress,
        ServerFull,
        Count
    };
    // Read at each scrape; nullopt when the value cannot be had just now (no sample then).
    using GaugeSource = std::function<std::optional<qint64>()>;

    static const QByteArray ContentType;
    // The route of a request to a path the server did not register.
    static const QString OtherRoute;

    Metrics() = default;
    Metrics(const Metrics &) = delete;
    Metrics &operator=(const Metrics &) = delete;

    // status 0: the connection was closed without an answer.
    void countRequest(const QString &route, int status, qint64 nanoseconds);
    void countSignIn(const QString &provider, SignIn outcome);
    void countOnboarding(Onboarding outcome);
    void countRefresh(Refresh outcome);
    void countGuardRefusal(GuardRefusal reason);
    void countDeviceGrant(DeviceGrant outcome);
    void countDatabaseError();
    // Set before the first scrape; called in the scraping thread, outside the lock.
    void setPendingSignIns(GaugeSource source);

    // The text exposition format, version 0.0.4.
    QByteArray exposition() const;

private:
    static constexpr std::array<double, 13> Buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                    0.25,  0.5,    1,     2.5,  5,     10};
    struct Histogram
    {
        std::array<quint64, Buckets.size()> buckets{}; // cumulative, as exposed
        double sum = 0;
        quint64 count = 0;
    };
    template<typename E>
    using ByOutcome = std::array<quint64, size_t(E::Count)>;

    void writeRequests(QByteArray &out) const;
    void writeDurations(QByteArray &out) const;
    void writeSignIns(QByteArray &out) const;
    void writeOutcomes(QByteArray &out) const;

    mutable QMutex m_mutex;
    QMap<std::pair<QString, int>, quint64> m_requests;
    QMap<QString, Histogram> m_durations;
    QMap<std::pair<QString, SignIn>, quint64> m_signIns;
    ByOutcome<Onboarding> m_onboardings{};
    ByOutcome<Refresh> m_refreshes{};
    ByOutcome<GuardRefusal> m_guardRefusals{};
    ByOutcome<DeviceGrant> m_deviceGrants{};
    quint64 m_databaseErrors = 0;
    GaugeSource m_pendingSignIns;
};
