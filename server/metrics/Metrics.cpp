#include "Metrics.h"

#include <QList>
#include <QMutexLocker>

#include <charconv>

const QByteArray Metrics::ContentType = QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
const QString Metrics::OtherRoute = QStringLiteral("other");

namespace {

using Label = std::pair<const char *, QString>;

// Indexed by the enums of Metrics.h.
const char *const SignInNames[] = {"signed_in",   "onboarding", "cancelled", "refused",
                                   "unavailable", "invalid",    "expired"};
const char *const OnboardingNames[] = {"created",          "replayed",           "username_taken",    "email_in_use",
                                       "invalid_username", "terms_not_accepted", "already_completed", "expired",
                                       "revoked",          "invalid_token",      "invalid_request",   "rate_limited",
                                       "unavailable"};
const char *const RefreshNames[] = {"rotated", "grace",   "reuse_revoked", "revoked",
                                    "expired", "invalid", "invalid_scope", "unavailable"};
const char *const GuardNames[] = {"header_too_large", "body_too_large", "transfer_encoding", "bad_content_length",
                                  "timeout",          "per_address",    "server_full"};
const char *const DeviceGrantNames[] = {"started", "wrong_code", "rate_limited", "denied", "approved", "issued"};
static_assert(std::size(DeviceGrantNames) == size_t(Metrics::DeviceGrant::Count));
static_assert(std::size(SignInNames) == size_t(Metrics::SignIn::Count));
static_assert(std::size(OnboardingNames) == size_t(Metrics::Onboarding::Count));
static_assert(std::size(RefreshNames) == size_t(Metrics::Refresh::Count));
static_assert(std::size(GuardNames) == size_t(Metrics::GuardRefusal::Count));

// The shortest text that reads back as the same double ("0.0025", "1e-05").
QByteArray number(double value)
{
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    return QByteArray(text, end - text);
}

// Label values escape backslash, double quote and line feed (exposition format 0.0.4).
QByteArray escaped(const QString &value)
{
    QByteArray out;
    for (const char c : value.toUtf8()) {
        if (c == '\\' || c == '"')
            out += '\\';
        out += c == '\n' ? QByteArrayLiteral("\\n") : QByteArray(1, c);
    }
    return out;
}

void family(QByteArray &out, const char *name, const char *type, const char *help)
{
    out += QByteArrayLiteral("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

void sample(QByteArray &out, const QByteArray &name, const QList<Label> &labels, const QByteArray &value)
{
    out += name;
    for (qsizetype i = 0; i < labels.size(); ++i)
        out += (i == 0 ? "{" : ",") + QByteArray(labels.at(i).first) + "=\"" + escaped(labels.at(i).second) + '"';
    out += (labels.isEmpty() ? " " : "} ") + value + '\n';
}

template<size_t N>
void outcomes(QByteArray &out, const char *name, const char *label, const std::array<quint64, N> &counts,
              const char *const (&names)[N])
{
    for (size_t i = 0; i < N; ++i)
        sample(out, name, {{label, QLatin1String(names[i])}}, QByteArray::number(counts[i]));
}

} // namespace

void Metrics::countRequest(const QString &route, int status, qint64 nanoseconds)
{
    const double seconds = double(nanoseconds) / 1e9;
    const QMutexLocker lock(&m_mutex);
    ++m_requests[{route, status}];
    Histogram &histogram = m_durations[route];
    for (size_t i = 0; i < Buckets.size(); ++i)
        histogram.buckets[i] += seconds <= Buckets[i] ? 1 : 0;
    histogram.sum += seconds;
    ++histogram.count;
}

void Metrics::countSignIn(const QString &provider, SignIn outcome)
{
    const QMutexLocker lock(&m_mutex);
    ++m_signIns[{provider, outcome}];
}

void Metrics::countOnboarding(Onboarding outcome)
{
    const QMutexLocker lock(&m_mutex);
    ++m_onboardings[size_t(outcome)];
}

void Metrics::countRefresh(Refresh outcome)
{
    const QMutexLocker lock(&m_mutex);
    ++m_refreshes[size_t(outcome)];
}

void Metrics::countGuardRefusal(GuardRefusal reason)
{
    const QMutexLocker lock(&m_mutex);
    ++m_guardRefusals[size_t(reason)];
}

void Metrics::countDeviceGrant(DeviceGrant outcome)
{
    const QMutexLocker lock(&m_mutex);
    ++m_deviceGrants[size_t(outcome)];
}

void Metrics::countDatabaseError()
{
    const QMutexLocker lock(&m_mutex);
    ++m_databaseErrors;
}

void Metrics::setPendingSignIns(GaugeSource source)
{
    const QMutexLocker lock(&m_mutex);
    m_pendingSignIns = std::move(source);
}

QByteArray Metrics::exposition() const
{
    GaugeSource source;
    {
        const QMutexLocker lock(&m_mutex);
        source = m_pendingSignIns;
    }
    // A database read: never under the lock every request takes.
    const std::optional<qint64> pending = source ? source() : std::nullopt;
    QByteArray out;
    const QMutexLocker lock(&m_mutex);
    writeRequests(out);
    writeDurations(out);
    writeSignIns(out);
    writeOutcomes(out);
    family(out, "latchkey_pending_sign_ins", "gauge",
           "Sign-ins waiting for the person at an upstream provider (unfinished, not expired).");
    if (pending)
        sample(out, "latchkey_pending_sign_ins", {}, QByteArray::number(*pending));
    return out;
}

void Metrics::writeRequests(QByteArray &out) const
{
    family(out, "latchkey_http_requests_total", "counter",
           "HTTP requests answered on the main port, by registered route (other: any other path) and status "
           "(0: closed without an answer).");
    for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it)
        sample(out, "latchkey_http_requests_total",
               {{"route", it.key().first}, {"status", QString::number(it.key().second)}},
               QByteArray::number(it.value()));
}

void Metrics::writeDurations(QByteArray &out) const
{
    family(out, "latchkey_http_request_duration_seconds", "histogram",
           "Time from a request's arrival to its answer, by registered route.");
    const QByteArray name = "latchkey_http_request_duration_seconds";
    for (auto it = m_durations.cbegin(); it != m_durations.cend(); ++it) {
        const Histogram &h = it.value();
        for (size_t i = 0; i < Buckets.size(); ++i)
            sample(out, name + "_bucket", {{"route", it.key()}, {"le", QString::fromLatin1(number(Buckets[i]))}},
                   QByteArray::number(h.buckets[i]));
        sample(out, name + "_bucket", {{"route", it.key()}, {"le", QStringLiteral("+Inf")}},
               QByteArray::number(h.count));
        sample(out, name + "_sum", {{"route", it.key()}}, number(h.sum));
        sample(out, name + "_count", {{"route", it.key()}}, QByteArray::number(h.count));
    }
}

void Metrics::writeSignIns(QByteArray &out) const
{
    family(out, "latchkey_sign_ins_total", "counter",
           "Upstream sign-ins ended at their callback or start, by provider id and outcome.");
    for (auto it = m_signIns.cbegin(); it != m_signIns.cend(); ++it)
        sample(out, "latchkey_sign_ins_total",
               {{"provider", it.key().first}, {"outcome", QLatin1String(SignInNames[size_t(it.key().second)])}},
               QByteArray::number(it.value()));
}

// Their label values are a fixed set: each is there from the start, at 0.
void Metrics::writeOutcomes(QByteArray &out) const
{
    family(out, "latchkey_onboardings_total", "counter", "Onboard calls (account creation), by outcome.");
    outcomes(out, "latchkey_onboardings_total", "outcome", m_onboardings, OnboardingNames);
    family(out, "latchkey_refresh_total", "counter", "Refresh token grants, by outcome.");
    outcomes(out, "latchkey_refresh_total", "outcome", m_refreshes, RefreshNames);
    family(out, "latchkey_guard_refusals_total", "counter",
           "Requests and connections the connection guard refused before the HTTP server saw them, by reason.");
    outcomes(out, "latchkey_guard_refusals_total", "reason", m_guardRefusals, GuardNames);
    family(out, "latchkey_device_grants_total", "counter",
           "Device authorization grants (RFC 8628): started, wrong user codes, approved or denied, tokens issued.");
    outcomes(out, "latchkey_device_grants_total", "outcome", m_deviceGrants, DeviceGrantNames);
    family(out, "latchkey_database_errors_total", "counter",
           "Failed database statements and connections (constraint violations, which are answers, excluded).");
    sample(out, "latchkey_database_errors_total", {}, QByteArray::number(m_databaseErrors));
}
