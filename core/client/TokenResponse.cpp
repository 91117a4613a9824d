#include "TokenResponse.h"

#include "ClaimNames.h"
#include "Protocol.h"
#include "ProviderMetadata.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <algorithm>

qint64 TokenResponse::expiresInFrom(const QJsonValue &value)
{
    // Some providers send the number as a string ("3600").
    bool isNumber = value.isDouble();
    const double seconds = isNumber ? value.toDouble() : value.toString().toDouble(&isNumber);
    if (!isNumber || !(seconds > 0)) // missing, zero, negative, NaN
        return DefaultExpiresIn;
    // Clamped as a double first: casting 1e300 to an integer is undefined.
    return qint64(std::clamp(seconds, double(MinExpiresIn), double(MaxExpiresIn)));
}

bool TokenResponse::fromJson(const QJsonObject &json, TokenResponse *r, QString *problem)
{
    const QString type = json.value(QLatin1String(TokenField::TokenType)).toString();
    r->expiresIn = expiresInFrom(json.value(QLatin1String(TokenField::ExpiresIn)));
    r->scope = json.value(QLatin1String(TokenField::Scope)).toString();
    if (type.compare(QLatin1String(Protocol::TokenTypeOnboarding), Qt::CaseInsensitive) == 0) {
        r->kind = Kind::OnboardingRequired;
        r->onboardingToken = json.value(QLatin1String(TokenField::OnboardingToken)).toString();
        if (r->onboardingToken.isEmpty()) {
            *problem = QCoreApplication::translate("TokenResponse",
                                                   "The server asked for onboarding but sent no onboarding token.");
            return false;
        }
        return true;
    }
    r->kind = Kind::SignedIn;
    r->accessToken = json.value(QLatin1String(TokenField::AccessToken)).toString();
    r->idToken = json.value(QLatin1String(TokenField::IdToken)).toString();
    r->refreshToken = json.value(QLatin1String(TokenField::RefreshToken)).toString();
    if (type.compare(QLatin1String(Protocol::TokenTypeBearer), Qt::CaseInsensitive) != 0 || r->accessToken.isEmpty()) {
        *problem = QCoreApplication::translate("TokenResponse", "The server's answer has no access_token.");
        return false;
    }
    // Read as discovery's providers are: a malformed entry is no entry.
    const QList<UpstreamProviderInfo> linked = ProviderMetadata::parseUpstreamProviders(
        QJsonArray{json.value(QLatin1String(LinkField::LinkedProvider))});
    if (!linked.isEmpty())
        r->linkedProvider = linked.first();
    return true;
}
