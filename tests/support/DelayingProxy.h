#pragma once

#include <QObject>
#include <QTcpServer>

// A TCP forwarder in front of the reference server that holds every
// POST /token for a while before passing it on: a slow network, which the
// real components cannot produce on demand. It counts how many token
// requests were under way at once.
class DelayingProxy : public QObject
{
    Q_OBJECT
public:
    explicit DelayingProxy(QObject *parent = nullptr);

    bool listen();
    QString url() const;
    void setTarget(quint16 port) { m_targetPort = port; }
    void setTokenDelayMs(int ms) { m_delayMs = ms; }
    int tokenRequests() const { return m_tokenRequests; }
    int maxTokenRequestsAtOnce() const { return m_maxInFlight; }

Q_SIGNALS:
    void tokenRequestArrived();

private:
    void accept();

    QTcpServer m_server;
    quint16 m_targetPort = 0;
    int m_delayMs = 0;
    int m_tokenRequests = 0;
    int m_inFlight = 0;
    int m_maxInFlight = 0;
};
