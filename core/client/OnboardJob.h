#pragma once

#include "NetworkJob.h"
#include "TokenResponse.h"

#include <QUrl>

// POST to the onboarding endpoint (PROTOCOL.md 6.4). The caller keeps one
// Idempotency-Key per wizard so a retry after a lost answer is recognised.
class OnboardJob : public NetworkJob
{
    Q_OBJECT
public:
    struct Request
    {
        QString onboardingToken;
        QByteArray codeVerifier;
        QString clientId;
        QString username;
        QString name;          // empty: the token's name
        QString acceptedTerms; // empty: not sent
        QString idempotencyKey;
    };

    OnboardJob(QNetworkAccessManager *manager, const QUrl &endpoint, const Request &request, QObject *parent = nullptr);
    const TokenResponse &response() const { return m_response; }

protected:
    QNetworkReply *send() override;
    void parse(int status, const QByteArray &body, QNetworkReply *reply) override;

private:
    QUrl m_endpoint;
    Request m_request;
    TokenResponse m_response;
};
