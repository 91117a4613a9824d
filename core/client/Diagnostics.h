#pragma once

#include "ClientError.h"
#include "ProviderMetadata.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

// What the error view's "Copy details" puts on the clipboard: versions, the
// server and what its discovery document offers, the last errors with their
// codes (after a TLS failure with the certificate chain), the proxy to
// the server, and how far this computer's clock is from the server's. Built from
// facts only: no token, code, verifier, state or password is ever handed
// to it, so none can be in the report.
class Diagnostics
{
public:
    static constexpr int MaxErrors = 10;

    void setIssuer(const QString &issuer) { m_issuer = issuer; }
    void setMetadata(const std::optional<ProviderMetadata> &metadata) { m_metadata = metadata; }
    void recordError(const ClientError &error);
    // A server answer's Date header and when it arrived: the newest wins.
    void recordServerTime(const QDateTime &serverDate, const QDateTime &receivedAt);

    // Server time minus local time, in seconds; none before a dated answer.
    std::optional<qint64> clockOffsetSeconds() const { return m_clockOffset; }
    const QList<ClientError> &errors() const { return m_errors; }

    QString report() const;

private:
    QString networkSummary() const;
    QString discoverySummary() const;
    QString clockSummary() const;
    QString errorSummary() const;

    QString m_issuer;
    std::optional<ProviderMetadata> m_metadata;
    QList<ClientError> m_errors;
    std::optional<qint64> m_clockOffset;
    QDateTime m_clockMeasuredAt;
};
