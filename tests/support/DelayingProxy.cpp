#include "DelayingProxy.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

DelayingProxy::DelayingProxy(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &DelayingProxy::accept);
}

bool DelayingProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QString DelayingProxy::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort());
}

void DelayingProxy::accept()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        auto *upstream = new QTcpSocket(client);
        upstream->connectToHost(QHostAddress::LocalHost, m_targetPort);
        auto held = std::make_shared<bool>(false);     // a token request waits for its delay
        auto awaiting = std::make_shared<bool>(false); // its answer has not begun yet
        connect(client, &QTcpSocket::readyRead, this, [this, client, upstream, held, awaiting] {
            if (*held)
                return;
            const QByteArray head = client->peek(64);
            if (head.startsWith("POST ") && head.contains("/token ")) {
                ++m_tokenRequests;
                m_maxInFlight = qMax(m_maxInFlight, ++m_inFlight);
                *awaiting = true;
                *held = true;
                Q_EMIT tokenRequestArrived();
                QTimer::singleShot(m_delayMs, client, [client, upstream, held] {
                    *held = false;
                    upstream->write(client->readAll());
                });
                return;
            }
            upstream->write(client->readAll());
        });
        connect(upstream, &QTcpSocket::readyRead, this, [this, client, upstream, awaiting] {
            if (*awaiting) {
                *awaiting = false;
                --m_inFlight;
            }
            client->write(upstream->readAll());
        });
        connect(upstream, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
    }
}
