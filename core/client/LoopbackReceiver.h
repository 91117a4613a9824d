#pragma once

#include "ClientError.h"

#include "LoopbackRequest.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

class QTcpServer;
class QTcpSocket;

// The redirect target of RFC 8252: an HTTP listener on 127.0.0.1 (or [::1]
// when IPv4 loopback cannot be used) on a port the OS picks. It reads each
// request itself (LoopbackRequest) rather than through QHttpServer, whose
// TLS set-up alone costs the app OpenSSL at every sign-in. It waits for one
// valid GET /callback; anything else gets a 404 or an explanation and the
// wait goes on. It stops listening as soon as a valid callback arrives, on
// cancel, and on timeout. Each connection gets one answer and is closed.
class LoopbackReceiver : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultTimeoutMs = 10 * 60 * 1000;
    // A connection has this long to send its request line and header fields.
    static constexpr int DefaultRequestTimeoutMs = 10 * 1000;
    // Connections open at once; more are closed as they come.
    static constexpr int MaxConnections = 16;

    explicit LoopbackReceiver(QObject *parent = nullptr);
    ~LoopbackReceiver() override;

    // 127.0.0.1, then [::1]: the addresses tried in order by listen().
    static QList<QHostAddress> defaultAddresses();
    // Other candidates, for a machine (or a test) where the defaults do not
    // fit. Never an "any" address: RFC 8252 8.3.
    void setAddresses(const QList<QHostAddress> &addresses);

    // Starts listening on the first candidate that binds; the port stays
    // until the wait ends.
    bool listen();
    bool isListening() const;
    QString redirectUri() const;
    quint16 port() const { return m_port; }

    // Waits for a callback carrying `state`. `issuer` empty: iss is not checked
    // (the provider does not advertise RFC 9207). A new call replaces the
    // expectation: only the newest state is accepted.
    void expect(const QString &state, const QString &issuer, int timeoutMs = DefaultTimeoutMs);
    void cancel();
    // Only tests shorten it, so as not to wait for the default.
    void setRequestTimeout(int ms) { m_requestTimeoutMs = ms; }

    QString code() const { return m_code; }
    // CouldNotListen, Cancelled, BrowserTimedOut, AccessDenied,
    // AuthorizationRejected (serverError() says which), CallbackIssuerMismatch
    // or NoAuthorizationCode; the server's error_description, if any, is its
    // serverDescription: plain text, never markup.
    const ClientError &error() const { return m_error; }

Q_SIGNALS:
    // Once per expect(): the code, or an error.
    void finished();

private:
    struct Page
    {
        int status = 200;
        QByteArray html;
    };

    void acceptConnections();
    void readRequest(QTcpSocket *socket);
    void dropIncomplete(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const QByteArray &method, const Page &page);
    Page route(const LoopbackRequest &request, const QHostAddress &peer);
    Page handle(const LoopbackRequest &request, const QHostAddress &peer);
    Page page(bool success, const QString &title, const QString &message, int status, const QString &detail = {});
    // The browser page's sentence for an error redirect.
    static QString describeError(const QString &code);
    Page reject(const LoopbackRequest &request, const QHostAddress &peer, const char *why, const QString &title,
                const QString &message, int status);
    void finish(const ClientError &error);
    void stopListening();

    QPointer<QTcpServer> m_tcp;
    // The connections that have not had their answer yet, each with what it sent so far.
    QHash<QTcpSocket *, LoopbackRequest> m_requests;
    int m_connections = 0;
    int m_requestTimeoutMs = DefaultRequestTimeoutMs;
    QTimer m_timeout;
    QList<QHostAddress> m_addresses = defaultAddresses();
    quint16 m_port = 0;
    QString m_host;
    QString m_state;
    QString m_issuer;
    bool m_waiting = false;
    QString m_code;
    ClientError m_error;
};
