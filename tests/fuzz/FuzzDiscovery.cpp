// The client reading a discovery document (ProviderMetadata::fromDiscovery),
// the server's upstream_providers list included: any JSON is accepted or
// refused with a reason, only http(s) endpoints are kept, and every provider
// that makes a button has a valid, unique id and a bounded one-line name.
#include "FuzzSupport.h"
#include "ProviderMetadata.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace {

const QString Issuer = QStringLiteral("https://login.example.org");

void checkProviders(const QList<UpstreamProviderInfo> &providers)
{
    static const QRegularExpression validId(QRegularExpression::anchoredPattern(QStringLiteral("[a-z0-9._-]{1,64}")));
    FUZZ_EXPECT(providers.size() <= ProviderMetadata::MaxUpstreamProviders);
    QSet<QString> ids;
    for (const UpstreamProviderInfo &provider : providers) {
        FUZZ_EXPECT(validId.match(provider.id).hasMatch());
        FUZZ_EXPECT(!ids.contains(provider.id));
        ids.insert(provider.id);
        FUZZ_EXPECT(!provider.name.isEmpty());
        FUZZ_EXPECT(provider.name.toUcs4().size() <= ProviderMetadata::MaxUpstreamNameLength);
        for (const char32_t c : provider.name.toUcs4())
            FUZZ_EXPECT(QChar::isPrint(c));
    }
}

bool isHttp(const QUrl &url)
{
    return url.isEmpty() || url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzSupport::startApplication();
    const QJsonObject document = QJsonDocument::fromJson(FuzzSupport::bytes(data, size)).object();
    checkProviders(ProviderMetadata::parseUpstreamProviders(document.value(QLatin1String("upstream_providers"))));
    QString problem;
    const auto metadata = ProviderMetadata::fromDiscovery(document, Issuer, &problem);
    if (!metadata) {
        FUZZ_EXPECT(!problem.isEmpty());
        return 0;
    }
    FUZZ_EXPECT(metadata->issuer == Issuer);
    for (const QUrl &url : {metadata->authorizationEndpoint, metadata->tokenEndpoint, metadata->jwksUri})
        FUZZ_EXPECT(url.isValid() && isHttp(url) && !url.isEmpty());
    for (const QUrl &url : {metadata->userinfoEndpoint, metadata->revocationEndpoint, metadata->termsOfService,
                            metadata->onboardingEndpoint, metadata->usernameCheckEndpoint})
        FUZZ_EXPECT(isHttp(url));
    checkProviders(metadata->upstreamProviders);
    for (const UpstreamProviderInfo &provider : metadata->upstreamProviders)
        FUZZ_EXPECT(metadata->listsUpstreamProvider(provider.id));
    return 0;
}
