#pragma once

#include "NetworkJob.h"

#include <QStringList>
#include <QUrl>

// The advisory username check of PROTOCOL.md 6.3.
class UsernameCheckJob : public NetworkJob
{
    Q_OBJECT
public:
    struct Result
    {
        QString username;
        bool available = false;
        QString reason; // a PROTOCOL.md 6.2 reason code when not available
        QStringList suggestions;
    };

    UsernameCheckJob(QNetworkAccessManager *manager, const QUrl &endpoint, const QString &onboardingToken,
                     const QString &username, QObject *parent = nullptr);
    const Result &result() const { return m_result; }
    const QString &username() const { return m_username; }

protected:
    QNetworkReply *send() override;
    void parse(int status, const QByteArray &body, QNetworkReply *reply) override;

private:
    QUrl m_endpoint;
    QString m_token;
    QString m_username;
    Result m_result;
};
