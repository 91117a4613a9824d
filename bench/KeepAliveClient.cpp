#include "KeepAliveClient.h"

KeepAliveClient::KeepAliveClient(const QString &host, quint16 port, NextRequest next, OnResponse onResponse,
                                 QObject *parent)
    : QObject(parent)
    , m_next(std::move(next))
    , m_onResponse(std::move(onResponse))
{
    connect(&m_socket, &QTcpSocket::connected, this, &KeepAliveClient::sendNext);
    connect(&m_socket, &QTcpSocket::readyRead, this, &KeepAliveClient::onReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this, &KeepAliveClient::stopped);
    m_socket.connectToHost(host, port);
    m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
}

void KeepAliveClient::start()
{
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        sendNext();
}

void KeepAliveClient::sendNext()
{
    m_buffer.clear();
    m_timer.start();
    m_socket.write(m_next());
}

void KeepAliveClient::onReadyRead()
{
    m_buffer += m_socket.readAll();
    const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return;
    const QByteArray head = m_buffer.left(headerEnd).toLower();
    const qsizetype lengthAt = head.indexOf("content-length:");
    const qsizetype length = lengthAt < 0
        ? 0
        : head.mid(lengthAt + 15, head.indexOf('\r', lengthAt) - lengthAt - 15).trimmed().toLongLong();
    if (m_buffer.size() < headerEnd + 4 + length)
        return;
    const int status = head.mid(9, 3).toInt();
    const qint64 elapsed = m_timer.nsecsElapsed();
    if (m_onResponse(status, m_buffer.mid(headerEnd + 4, length), elapsed))
        sendNext();
    else
        Q_EMIT stopped();
}
