#include "TokenResponse.h"

#include "Protocol.h"

#include <QCoreApplication>

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
    const QString type = json.value(QLatin1String("token_type")).toString();
    r->expiresIn = expiresInFrom(json.value(QLatin1String("expires_in")));
    r->scope = json.value(QLatin1String("scope")).toString();
    if (type.compare(QLatin1String(Protocol::TokenTypeOnboarding), Qt::CaseInsensitive) == 0) {
        r->kind = Kind::OnboardingRequired;
        r->onboardingToken = json.value(QLatin1String("onboarding_token")).toString();
        if (r->onboardingToken.isEmpty()) {
            *problem = QCoreApplication::translate("TokenResponse", "The server asked for onboarding but sent no onboarding token.");
            return false;
        }
        return true;
    }
    r->kind = Kind::SignedIn;
    r->accessToken = json.value(QLatin1String("access_token")).toString();
    r->idToken = json.value(QLatin1String("id_token")).toString();
    r->refreshToken = json.value(QLatin1String("refresh_token")).toString();
    if (type.compare(QLatin1String(Protocol::TokenTypeBearer), Qt::CaseInsensitive) != 0 || r->accessToken.isEmpty()) {
        *problem = QCoreApplication::translate("TokenResponse", "The server's answer has no access_token.");
        return false;
    }
    return true;
}
