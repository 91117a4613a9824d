#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QTcpSocket>

#include <functional>

// One persistent HTTP/1.1 connection sending one request at a time, as a
// real client's connection does. Minimal on purpose: the benchmark must cost
// the shared two cores as little as possible, so no QNetworkAccessManager.
class KeepAliveClient : public QObject
{
    Q_OBJECT
public:
    using NextRequest = std::function<QByteArray()>;
    // Gets status and body of each response; returns false to stop.
    using OnResponse = std::function<bool(int status, const QByteArray &body, qint64 nanoseconds)>;

    KeepAliveClient(const QString &host, quint16 port, NextRequest next, OnResponse onResponse,
                    QObject *parent = nullptr);
    void start();

Q_SIGNALS:
    void stopped();

private:
    void sendNext();
    void onReadyRead();

    QTcpSocket m_socket;
    NextRequest m_next;
    OnResponse m_onResponse;
    QByteArray m_buffer;
    QElapsedTimer m_timer;
};
