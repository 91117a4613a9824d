#pragma once

#include "ClientError.h"
#include "JwkSet.h"
#include "ProviderMetadata.h"
#include "TokenValidator.h"

#include <QObject>

#include <functional>
#include <optional>

class QNetworkAccessManager;
class SessionStep;

// What the client knows of one server: its discovery document and signing
// keys, fetched when first needed and kept until the server changes. The
// fetches run inside the caller's SessionStep, so they end with it, and a
// failure goes to the caller, who knows what it means at that moment: an
// error while signing in, "offline, will retry" while renewing.
class ProviderCache : public QObject
{
    Q_OBJECT
public:
    using Ready = std::function<void()>;
    using Failed = std::function<void(const ClientError &error)>;

    static constexpr qint64 KeyRefetchIntervalSeconds = 10;

    ProviderCache(QNetworkAccessManager *manager, const QString &issuer, TokenValidator::Clock clock,
                  QObject *parent = nullptr);

    // Another server: everything known of the old one goes.
    void reset(const QString &issuer);
    const std::optional<ProviderMetadata> &metadata() const { return m_metadata; }
    const JwkSet &keys() const { return m_keys; }
    QList<UpstreamProviderInfo> upstreamProviders() const;
    // An unknown key id may be a rotation: worth one more fetch, not a storm of them.
    bool mayRefetchKeys() const;

    void withMetadata(SessionStep *step, Ready ready, Failed failed);
    // `refetch`: even when keys are known (a token named a key not among them).
    void withKeys(SessionStep *step, bool refetch, Ready ready, Failed failed);
    // Both, in turn: what validating a token needs.
    void withMetadataAndKeys(SessionStep *step, Ready ready, Failed failed);

Q_SIGNALS:
    void metadataChanged(const std::optional<ProviderMetadata> &metadata);
    void upstreamProvidersChanged(const QList<UpstreamProviderInfo> &providers);

private:
    void setMetadata(const std::optional<ProviderMetadata> &metadata);

    QNetworkAccessManager *m_manager;
    QString m_issuer;
    TokenValidator::Clock m_clock;
    std::optional<ProviderMetadata> m_metadata;
    JwkSet m_keys;
    qint64 m_keysFetchedAt = 0;
};
