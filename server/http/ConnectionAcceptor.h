#pragma once

#include <QList>
#include <QTcpServer>

class ConnectionGuard;

// Accepts the connections of a server with several worker threads, in the
// server's own thread, and hands each to the worker with the fewest open
// (ConnectionGuard::load). Workers accepting from the socket themselves
// would take whatever arrives while they are awake: 16 kept-alive
// connections opened at once (a proxy's pool) could all land on one thread
// and stay there, leaving the others idle.
class ConnectionAcceptor : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

    // Each guard lives in its worker's thread; the acceptor must stop
    // listening (close()) before any of them goes.
    void addWorker(ConnectionGuard *guard) { m_guards.append(guard); }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    QList<ConnectionGuard *> m_guards;
};
