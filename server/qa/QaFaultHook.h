#pragma once

class HttpServer;
class QHttpServerRequest;
class QHttpServerResponse;
struct ServerContext;

// QA mode only: applies the faults a tester attached to a sign-in
// (QaFaults) to the answers of the endpoints from outside them, as HTTP
// filters installed on the server. Without --qa it is never installed.
class QaFaultHook
{
public:
    explicit QaFaultHook(ServerContext &context);
    void install(HttpServer &server);

private:
    // token-endpoint-down: after the code was checked and spent, as when a
    // server fails half-way, the answer is a 503 and the app signs in again.
    QHttpServerResponse token(const QHttpServerRequest &request, QHttpServerResponse &&response);

    ServerContext &m_context;
};
