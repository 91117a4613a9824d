#pragma once

#include "ConnectionCounter.h"
#include "Protocol.h"
#include "TrustedProxies.h"

#include <QHostAddress>
#include <QTcpServer>

#include <atomic>
#include <memory>

class Metrics;

// Stands in front of QHttpServer, which (Qt 6.4) holds any request in
// memory however large and waits for it however slowly. Each connection is
// watched as its bytes arrive, before the HTTP server buffers them:
// headers over maxHeaderBytes get 431, a body over maxBodyBytes (by
// Content-Length) 413, a Transfer-Encoding (chunked bodies among them) 411,
// a Content-Length that is not one number 400, no complete headers or body
// in time 408, and each closes the connection. Connections are capped per
// client address (429) and overall (503), counted by a ConnectionCounter
// that the guards of all of a server's worker threads share. The limits are --limit's
// (ServerLimits); the defaults below are PROTOCOL.md 9's.
class ConnectionGuard : public QTcpServer
{
    Q_OBJECT
public:
    struct Limits
    {
        qsizetype maxHeaderBytes = 16 * 1024;
        qint64 maxBodyBytes = Protocol::MaxRequestBody;
        int headerTimeoutMs = 10 * 1000;
        int bodyTimeoutMs = 30 * 1000;
        int idleTimeoutMs = 15 * 1000; // a kept-alive connection between requests
        int maxPerAddress = 32;
        int maxConnections = 512;
    };

    // A trusted proxy's own connections count only against maxConnections:
    // it carries many clients.
    ConnectionGuard(const Limits &limits, const TrustedProxies &proxies, std::shared_ptr<ConnectionCounter> counter,
                    QObject *parent = nullptr);

    // "16 KiB", "1500 bytes": a limit as the answers refusing a request name it.
    static QString sizeText(qint64 bytes);
    // The 413's description; the HTTP server's own check answers the same.
    static QString bodyTooLarge(const Limits &limits);
    // Counts each refusal by reason (before listen()); none without.
    void setMetrics(Metrics *metrics) { m_metrics = metrics; }

    // A worker thread's guard takes the connections its server's acceptor
    // hands over instead of accepting (ConnectionAcceptor): the acceptor
    // reserves a place (in its thread), then adopts the descriptor here (in
    // this guard's thread), which checks it as any incoming connection.
    void reserve() { m_load->fetch_add(1, std::memory_order_relaxed); }
    void adopt(qintptr descriptor) { take(descriptor); }
    // Connections open here or on their way: how busy this worker is.
    int load() const { return m_load->load(std::memory_order_relaxed); }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    class Watch;

    // Watches the connection, or refuses it when over a limit; counted in
    // load() until its socket goes.
    void take(qintptr descriptor);
    void refuse(QTcpSocket *socket, ConnectionCounter::Admission admission);

    Limits m_limits;
    TrustedProxies m_proxies;
    // Shared with each open socket, which releases its count when it goes,
    // whichever of them outlives the other.
    std::shared_ptr<ConnectionCounter> m_counter;
    std::shared_ptr<std::atomic<int>> m_load = std::make_shared<std::atomic<int>>(0);
    Metrics *m_metrics = nullptr;
};
