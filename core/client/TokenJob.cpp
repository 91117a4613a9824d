#include "TokenJob.h"

#include "FormData.h"
#include "Protocol.h"
#include "RequestFactory.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

TokenJob::TokenJob(QNetworkAccessManager *manager, const QUrl &endpoint, const QByteArray &body, QObject *parent)
    : NetworkJob(manager, parent)
    , m_endpoint(endpoint)
    , m_body(body)
{
}

TokenJob *TokenJob::exchangeCode(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &clientId,
                                 const QString &code, const QString &redirectUri, const QByteArray &verifier,
                                 QObject *parent)
{
    return new TokenJob(manager, endpoint,
                        FormData::encode({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                          {QStringLiteral("code"), code},
                                          {QStringLiteral("redirect_uri"), redirectUri},
                                          {QStringLiteral("client_id"), clientId},
                                          {QStringLiteral("code_verifier"), QString::fromLatin1(verifier)}}),
                        parent);
}

TokenJob *TokenJob::refresh(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &clientId,
                            const QString &refreshToken, QObject *parent)
{
    return new TokenJob(manager, endpoint,
                        FormData::encode({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                          {QStringLiteral("refresh_token"), refreshToken},
                                          {QStringLiteral("client_id"), clientId}}),
                        parent);
}

TokenJob *TokenJob::pollDevice(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &clientId,
                               const QString &deviceCode, QObject *parent)
{
    return new TokenJob(manager, endpoint,
                        FormData::encode({{QStringLiteral("grant_type"), QLatin1String(Protocol::DeviceCodeGrantType)},
                                          {QStringLiteral("device_code"), deviceCode},
                                          {QStringLiteral("client_id"), clientId}}),
                        parent);
}

QNetworkReply *TokenJob::send()
{
    return manager()->post(RequestFactory::form(m_endpoint), m_body);
}

void TokenJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 200) {
        fail(ClientError::fromHttp(status, body, reply->rawHeader("Retry-After")));
        return;
    }
    QString problem;
    if (!TokenResponse::fromJson(QJsonDocument::fromJson(body).object(), &m_response, &problem))
        fail(ClientError::make(ClientError::Code::InvalidResponse, problem));
}
