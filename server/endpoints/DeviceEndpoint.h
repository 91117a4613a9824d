#pragma once

#include "DeviceGrantStore.h"
#include "Result.h"

#include <QHttpServerResponse>
#include <QJsonObject>
#include <QString>

#include <variant>

class HttpServer;
class QHttpServerRequest;
struct ServerContext;

// The device authorization grant's browser side and start (RFC 8628,
// PROTOCOL.md 10): POST /device_authorization gives the device its codes;
// the verification page /device takes the user code (wrong codes limited per
// client address), shows the client's name and asks the person to confirm
// that they started this sign-in on their own device (a per-browser token
// against cross-site posts), then continues into the usual provider choice
// and upstream sign-in, whose end approves the grant (SignInFlow). Deny ends
// the grant with access_denied. The device's polls are TokenEndpoint's.
class DeviceEndpoint
{
public:
    explicit DeviceEndpoint(ServerContext &context);
    void registerRoutes(HttpServer &server);

private:
    Result<QJsonObject> authorize(const QHttpServerRequest &request);
    QHttpServerResponse entryPage(const QString &userCode, const QString &message,
                                  QHttpServerResponse::StatusCode status);
    QHttpServerResponse enterCode(const QHttpServerRequest &request);
    QHttpServerResponse confirm(const QHttpServerRequest &request);
    QHttpServerResponse confirmPage(const DeviceGrant &grant, const QString &userCode, const QString &csrf,
                                    const QString &message, QHttpServerResponse::StatusCode status);
    // The pending grant of a typed user code, or the page to answer instead:
    // the entry form again (wrong, expired or used code, counted against the
    // client address), 429 once the address entered too many wrong codes.
    std::variant<DeviceGrant, QHttpServerResponse> grantOfCode(const QHttpServerRequest &request, const QString &typed);
    // Into the provider choice, as /authorize's sign-in page.
    QHttpServerResponse continueToSignIn(const QHttpServerRequest &request, const DeviceGrant &grant);
    QString clientKey(const QHttpServerRequest &request) const;

    ServerContext &m_context;
};
