#include "OnboardJob.h"

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
    QJsonObject body{{QStringLiteral("onboarding_token"), m_request.onboardingToken},
                     {QStringLiteral("code_verifier"), QString::fromLatin1(m_request.codeVerifier)},
                     {QStringLiteral("client_id"), m_request.clientId},
                     {QStringLiteral("username"), m_request.username}};
    if (!m_request.name.isEmpty())
        body.insert(QStringLiteral("name"), m_request.name);
    if (!m_request.acceptedTerms.isEmpty())
        body.insert(QStringLiteral("accepted_terms"), m_request.acceptedTerms);
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
