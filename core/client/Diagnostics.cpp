#include "Diagnostics.h"

#include "ProxyConfig.h"

#include <QCoreApplication>
#include <QSysInfo>
#include <QUrl>

namespace {
QString present(const QUrl &url)
{
    return url.isEmpty() ? QStringLiteral("missing") : url.toString(QUrl::RemoveQuery | QUrl::RemoveFragment);
}

QString listed(const QStringList &values)
{
    return values.isEmpty() ? QStringLiteral("not announced")
                            : QStringLiteral("%1 (%2)").arg(values.size()).arg(values.join(QLatin1String(", ")));
}
} // namespace

void Diagnostics::recordError(const ClientError &error)
{
    if (error.ok() || error.code == ClientError::Code::Cancelled)
        return;
    m_errors.append(error);
    while (m_errors.size() > MaxErrors)
        m_errors.removeFirst();
}

void Diagnostics::recordServerTime(const QDateTime &serverDate, const QDateTime &receivedAt)
{
    if (!serverDate.isValid() || !receivedAt.isValid())
        return;
    m_clockOffset = receivedAt.secsTo(serverDate);
    m_clockMeasuredAt = receivedAt;
}

QString Diagnostics::report() const
{
    QStringList lines;
    lines << QStringLiteral("Latchkey diagnostics")
          << QStringLiteral("Created: %1").arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
          << QStringLiteral("Latchkey version: %1").arg(QCoreApplication::applicationVersion())
          << QStringLiteral("Qt version: %1 (built with %2)").arg(QLatin1String(qVersion()), QLatin1String(QT_VERSION_STR))
          << QStringLiteral("Operating system: %1 (%2 %3, %4)")
                 .arg(QSysInfo::prettyProductName(), QSysInfo::kernelType(), QSysInfo::kernelVersion(),
                      QSysInfo::currentCpuArchitecture())
          << QStringLiteral("Issuer: %1").arg(m_issuer.isEmpty() ? QStringLiteral("not set") : m_issuer) << QString()
          << QStringLiteral("[Network]") << networkSummary() << QString() << QStringLiteral("[Discovery]")
          << discoverySummary() << QString() << QStringLiteral("[Clock]") << clockSummary() << QString()
          << QStringLiteral("[Last errors]") << errorSummary();
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QString Diagnostics::networkSummary() const
{
    // The process-wide configuration the client's requests take (ProxyConfig::apply).
    const QUrl server(m_issuer);
    const QString proxy = server.isValid() && !m_issuer.isEmpty()
        ? ProxyConfig::describe(ProxyConfig::proxyFor(nullptr, server))
        : QStringLiteral("unknown (no server set)");
    return QStringLiteral("proxy to the server: %1").arg(proxy);
}

QString Diagnostics::discoverySummary() const
{
    if (!m_metadata)
        return QStringLiteral("not loaded");
    const ProviderMetadata &m = *m_metadata;
    QStringList providers;
    for (const UpstreamProviderInfo &provider : m.upstreamProviders)
        providers.append(provider.id);
    QStringList lines{
        QStringLiteral("issuer: %1").arg(m.issuer),
        QStringLiteral("authorization_endpoint: %1").arg(present(m.authorizationEndpoint)),
        QStringLiteral("token_endpoint: %1").arg(present(m.tokenEndpoint)),
        QStringLiteral("userinfo_endpoint: %1").arg(present(m.userinfoEndpoint)),
        QStringLiteral("jwks_uri: %1").arg(present(m.jwksUri)),
        QStringLiteral("revocation_endpoint: %1").arg(present(m.revocationEndpoint)),
        QStringLiteral("onboarding_endpoint: %1").arg(present(m.onboardingEndpoint)),
        QStringLiteral("authorization_response_iss_parameter_supported: %1")
            .arg(m.issParameterSupported ? QStringLiteral("yes") : QStringLiteral("no")),
        QStringLiteral("scopes_supported: %1").arg(listed(m.scopesSupported)),
        QStringLiteral("prompt_values_supported: %1").arg(listed(m.promptValuesSupported)),
        QStringLiteral("upstream_providers: %1").arg(listed(providers)),
    };
    return lines.join(QLatin1Char('\n'));
}

QString Diagnostics::clockSummary() const
{
    if (!m_clockOffset)
        return QStringLiteral("offset to the server: unknown (no dated answer yet)");
    return QStringLiteral("offset to the server: %1%2 s (server Date header minus this computer's clock, measured %3)")
        .arg(*m_clockOffset >= 0 ? QStringLiteral("+") : QString())
        .arg(*m_clockOffset)
        .arg(m_clockMeasuredAt.toString(Qt::ISODate));
}

QString Diagnostics::errorSummary() const
{
    if (m_errors.isEmpty())
        return QStringLiteral("none");
    QStringList lines;
    for (const ClientError &e : m_errors) {
        QStringList facts{e.time.toString(Qt::ISODate), e.codeName()};
        if (!e.host.isEmpty())
            facts << QStringLiteral("host=%1").arg(e.host);
        if (!e.proxy.isEmpty())
            facts << QStringLiteral("proxy=%1").arg(e.proxy);
        if (e.httpStatus)
            facts << QStringLiteral("http=%1").arg(e.httpStatus);
        if (!e.serverError.isEmpty())
            facts << QStringLiteral("error=%1").arg(e.serverError);
        if (!e.serverDescription.isEmpty())
            facts << QStringLiteral("description=\"%1\"").arg(e.serverDescription);
        if (!e.detail.isEmpty())
            facts << QStringLiteral("detail=\"%1\"").arg(e.detail);
        lines.append(facts.join(QLatin1Char(' ')));
        for (const QString &finding : e.sslErrors)
            lines.append(QStringLiteral("  TLS error: %1").arg(finding));
        for (const QString &certificate : e.certificateChain)
            lines.append(QStringLiteral("  certificate: %1").arg(certificate));
    }
    return lines.join(QLatin1Char('\n'));
}
