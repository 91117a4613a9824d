#include "QaFaultHook.h"

#include "FormData.h"
#include "HttpServer.h"
#include "QaFaults.h"
#include "Reply.h"
#include "ServerConfig.h"
#include "ServerContext.h"
#include "ServerLogging.h"
#include "TokenStore.h"

QaFaultHook::QaFaultHook(ServerContext &context)
    : m_context(context)
{
}

void QaFaultHook::install(HttpServer &server)
{
    server.filter(QStringLiteral("/token"), [this](const QHttpServerRequest &request, QHttpServerResponse &&response) {
        return token(request, std::move(response));
    });
}

QHttpServerResponse QaFaultHook::token(const QHttpServerRequest &request, QHttpServerResponse &&response)
{
    if (response.statusCode() != QHttpServerResponse::StatusCode::Ok)
        return std::move(response);
    QString duplicate;
    const auto fields = FormData::parse(request.body(), &duplicate);
    const QByteArray code = fields ? fields->value(QStringLiteral("code")).toLatin1() : QByteArray();
    if (code.isEmpty())
        return std::move(response);
    const QString fault = m_context.tokens.qaFaultOfCode(code);
    if (QaFaults::honoured(m_context.config.qaMode, fault) != QaFaults::Fault::TokenEndpointDown)
        return std::move(response);
    qCInfo(lcQa, "token-endpoint-down: a redeemed code is answered 503");
    return Reply::error(QaFaults::unavailable(QStringLiteral("The token endpoint is down.")));
}
