#include "OnboardJob.h"

#include "ClaimNames.h"
#include "Protocol.h"
#include "RequestFactory.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

OnboardJob::OnboardJob(QNetworkAccessManager *manager, const QUrl &endpoint, const Request &request, QObject *parent)
    : NetworkJob(manager, parent)
    , m_endpoint(endpoint)
    , m_request(request)
{
}

QNetworkReply *OnboardJob::send()
{
    QJsonObject body{{QLatin1String(OnboardField::OnboardingToken), m_request.onboardingToken},
                     {QLatin1String(OnboardField::CodeVerifier), QString::fromLatin1(m_request.codeVerifier)},
                     {QLatin1String(OnboardField::ClientId), m_request.clientId},
                     {QLatin1String(OnboardField::Username), m_request.username}};
    if (!m_request.name.isEmpty())
        body.insert(QLatin1String(OnboardField::Name), m_request.name);
    if (!m_request.acceptedTerms.isEmpty())
        body.insert(QLatin1String(OnboardField::AcceptedTerms), m_request.acceptedTerms);
    QNetworkRequest request = RequestFactory::json(m_endpoint);
    request.setRawHeader(Protocol::IdempotencyKeyHeader, m_request.idempotencyKey.toUtf8());
    return manager()->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void OnboardJob::parse(int status, const QByteArray &body, QNetworkReply *reply)
{
    if (status != 201 && status != 200) {
        fail(ClientError::fromHttp(status, body, reply->rawHeader("Retry-After")));
        return;
    }
    QString problem;
    if (!TokenResponse::fromJson(QJsonDocument::fromJson(body).object(), &m_response, &problem)
        || m_response.kind != TokenResponse::Kind::SignedIn)
        fail(ClientError::make(ClientError::Code::InvalidResponse, problem));
}
