#pragma once

#include "TrustedProxies.h"

#include <QHash>
#include <QHostAddress>
#include <QTcpServer>

class Metrics;

// Stands in front of QHttpServer, which (Qt 6.4) holds any request in
// memory however large and waits for it however slowly. Each connection is
// watched as its bytes arrive, before the HTTP server buffers them:
// headers over 16 KiB get 431, a body over 64 KiB (by Content-Length) 413,
// a Transfer-Encoding (chunked bodies among them) 411, a Content-Length
// that is not one number 400, no complete headers in 10 s or body in 30 s
// 408, and each closes the connection. Connections are capped per client
// address (429) and overall (503).
class ConnectionGuard : public QTcpServer
{
    Q_OBJECT
public:
    struct Limits
    {
        qsizetype maxHeaderBytes = 16 * 1024;
        qint64 maxBodyBytes = 64 * 1024;
        int headerTimeoutMs = 10 * 1000;
        int bodyTimeoutMs = 30 * 1000;
        int idleTimeoutMs = 15 * 1000; // a kept-alive connection between requests
        int maxPerAddress = 32;
        int maxConnections = 512;
    };

    // A trusted proxy's own connections count only against maxConnections:
    // it carries many clients.
    ConnectionGuard(const Limits &limits, const TrustedProxies &proxies, QObject *parent = nullptr);

    int openConnections() const { return m_open; }
    // Counts each refusal by reason (before listen()); none without.
    void setMetrics(Metrics *metrics) { m_metrics = metrics; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    class Watch;

    void release(const QString &key);

    Limits m_limits;
    TrustedProxies m_proxies;
    QHash<QString, int> m_perAddress; // by TrustedProxies::key: an IPv6 /64 counts as one
    int m_open = 0;
    Metrics *m_metrics = nullptr;
};
