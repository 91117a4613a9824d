#include "DiscoveryOverlay.h"

#include "HttpRobot.h"
#include "Protocol.h"

#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QTcpServer>

DiscoveryOverlay::DiscoveryOverlay() = default;

DiscoveryOverlay::~DiscoveryOverlay() = default;

bool DiscoveryOverlay::start(const QString &realIssuer, QString *error)
{
    QString ignored;
    QString &problem = error ? *error : ignored;
    HttpRobot http;
    const HttpResult real = http.get(QUrl(realIssuer + QLatin1String(Protocol::DiscoveryPath)));
    const QJsonDocument parsed = QJsonDocument::fromJson(real.body);
    if (real.status != 200 || !parsed.isObject()) {
        problem = QStringLiteral("no discovery document at %1 (HTTP %2)").arg(realIssuer).arg(real.status);
        return false;
    }
    m_server = std::make_unique<QHttpServer>();
    auto *tcp = new QTcpServer(m_server.get());
    if (!tcp->listen(QHostAddress::LocalHost, 0)) {
        problem = tcp->errorString();
        return false;
    }
    m_server->bind(tcp);
    m_issuer = QStringLiteral("http://127.0.0.1:%1").arg(tcp->serverPort());
    m_document = parsed.object();
    m_document.insert(QStringLiteral("issuer"), m_issuer);
    // The real server's redirect carries its own issuer as iss, not this one.
    m_document.remove(QStringLiteral("authorization_response_iss_parameter_supported"));
    m_server->route(QLatin1String(Protocol::DiscoveryPath), QHttpServerRequest::Method::Get,
                    [this] { return QHttpServerResponse(m_document); });
    return true;
}
