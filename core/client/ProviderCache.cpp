#include "ProviderCache.h"

#include "ClientLogging.h"
#include "DiscoveryJob.h"
#include "JwksJob.h"
#include "SessionStep.h"

ProviderCache::ProviderCache(QNetworkAccessManager *manager, const QString &issuer, TokenValidator::Clock clock,
                             QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_issuer(issuer)
    , m_clock(std::move(clock))
{
}

void ProviderCache::reset(const QString &issuer)
{
    m_issuer = issuer;
    m_keys = {};
    m_keysFetchedAt = 0;
    setMetadata(std::nullopt);
}

QList<UpstreamProviderInfo> ProviderCache::upstreamProviders() const
{
    return m_metadata ? m_metadata->upstreamProviders : QList<UpstreamProviderInfo>();
}

bool ProviderCache::mayRefetchKeys() const
{
    return m_clock() - m_keysFetchedAt >= KeyRefetchIntervalSeconds;
}

void ProviderCache::setMetadata(const std::optional<ProviderMetadata> &metadata)
{
    const QList<UpstreamProviderInfo> before = upstreamProviders();
    m_metadata = metadata;
    Q_EMIT metadataChanged(metadata);
    if (upstreamProviders() != before)
        Q_EMIT upstreamProvidersChanged(upstreamProviders());
}

void ProviderCache::withMetadata(SessionStep *step, Ready ready, Failed failed)
{
    if (m_metadata) {
        ready();
        return;
    }
    step->await(new DiscoveryJob(m_manager, m_issuer), [this, ready, failed](DiscoveryJob *job) {
        if (!job->error().ok()) {
            failed(job->error());
            return;
        }
        qCDebug(lcDiscovery) << "discovery loaded for" << job->metadata().issuer;
        if (!m_metadata) // a load beside this one may have won; its document stays
            setMetadata(job->metadata());
        ready();
    });
}

void ProviderCache::withKeys(SessionStep *step, bool refetch, Ready ready, Failed failed)
{
    if (!m_keys.isEmpty() && !refetch) {
        ready();
        return;
    }
    step->await(new JwksJob(m_manager, m_metadata->jwksUri), [this, ready, failed](JwksJob *job) {
        if (!job->error().ok()) {
            failed(job->error());
            return;
        }
        m_keys = job->keys();
        m_keysFetchedAt = m_clock();
        qCDebug(lcDiscovery) << "signing keys loaded";
        ready();
    });
}

void ProviderCache::withMetadataAndKeys(SessionStep *step, Ready ready, Failed failed)
{
    withMetadata(
        step, [this, step, ready, failed] { withKeys(step, false, ready, failed); }, failed);
}
