#include "DeviceAuthorization.h"

namespace {
constexpr int MaxCodeLength = 512;
constexpr int MaxUserCodeLength = 32;
constexpr int MaxUrlLength = 2048;
constexpr int MaxExpiresIn = 3600;
constexpr int MaxInterval = 60;

// A page the person opens: http(s) only, bounded.
QUrl pageUrl(const QJsonObject &object, const char *key)
{
    const QString text = object.value(QLatin1String(key)).toString();
    const QUrl url(text, QUrl::StrictMode);
    const bool web = url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http");
    return text.size() <= MaxUrlLength && url.isValid() && web && !url.host().isEmpty() ? url : QUrl();
}
} // namespace

bool DeviceAuthorization::fromJson(const QJsonObject &object, DeviceAuthorization *out, QString *problem)
{
    DeviceAuthorization d;
    d.deviceCode = object.value(QLatin1String("device_code")).toString();
    d.userCode = object.value(QLatin1String("user_code")).toString();
    d.verificationUri = pageUrl(object, "verification_uri");
    d.verificationUriComplete = pageUrl(object, "verification_uri_complete");
    d.expiresIn = object.value(QLatin1String("expires_in")).toInt();
    d.interval = object.value(QLatin1String("interval")).toInt(5);
    if (d.deviceCode.isEmpty() || d.deviceCode.size() > MaxCodeLength) {
        *problem = QStringLiteral("no usable \"device_code\"");
        return false;
    }
    const bool printable = std::all_of(d.userCode.cbegin(), d.userCode.cend(),
                                       [](QChar c) { return c.isLetterOrNumber() || c == u'-'; });
    if (d.userCode.isEmpty() || d.userCode.size() > MaxUserCodeLength || !printable) {
        *problem = QStringLiteral("no usable \"user_code\"");
        return false;
    }
    if (d.verificationUri.isEmpty()) {
        *problem = QStringLiteral("no http(s) \"verification_uri\"");
        return false;
    }
    if (d.expiresIn <= 0) {
        *problem = QStringLiteral("no \"expires_in\"");
        return false;
    }
    d.expiresIn = qMin(d.expiresIn, MaxExpiresIn);
    d.interval = qBound(1, d.interval, MaxInterval);
    *out = d;
    return true;
}
