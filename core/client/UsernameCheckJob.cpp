#include "UsernameCheckJob.h"

#include "RequestFactory.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrlQuery>

namespace {
constexpr int CheckTimeoutMs = 8000;
}

UsernameCheckJob::UsernameCheckJob(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &onboardingToken,
                                   const QString &username, QObject *parent)
    : NetworkJob(manager, parent)
    , m_endpoint(endpoint)
    , m_token(onboardingToken)
    , m_username(username)
{
}

QNetworkReply *UsernameCheckJob::send()
{
    QUrl url = m_endpoint;
    QUrlQuery query(url);
    query.addQueryItem(QStringLiteral("username"), QString::fromLatin1(QUrl::toPercentEncoding(m_username)));
    url.setQuery(query);
    QNetworkRequest request = RequestFactory::create(url, CheckTimeoutMs);
    request.setRawHeader(QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + m_token.toLatin1());
    return manager()->get(request);
}

void UsernameCheckJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 200) {
        fail(ClientError::fromHttp(status, body, reply->rawHeader("Retry-After")));
        return;
    }
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    if (!json.value(QLatin1String("available")).isBool()) {
        fail(ClientError::make(ClientError::Code::InvalidResponse, QStringLiteral("no \"available\" in the answer")));
        return;
    }
    m_result.username = json.value(QLatin1String("username")).toString(m_username);
    m_result.available = json.value(QLatin1String("available")).toBool();
    m_result.reason = json.value(QLatin1String("reason")).toString();
    for (const auto &value : json.value(QLatin1String("suggestions")).toArray())
        m_result.suggestions.append(value.toString());
}
