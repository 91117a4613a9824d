#pragma once

#include "ClientError.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <memory>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;
class QTcpServer;

// The redirect target of RFC 8252: an HTTP listener on 127.0.0.1 (or [::1]
// when IPv4 loopback cannot be used) on a port the OS picks, built on
// QHttpServer. It waits for one valid GET /callback; anything else gets a 404
// or an explanation and the wait goes on. It stops listening as soon as a
// valid callback arrives, on cancel, and on timeout.
class LoopbackReceiver : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultTimeoutMs = 10 * 60 * 1000;

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
    QHttpServerResponse handle(const QHttpServerRequest &request);
    QHttpServerResponse page(bool success, const QString &title, const QString &message, int status,
                             const QString &detail = {});
    // The browser page's sentence for an error redirect.
    static QString describeError(const QString &code);
    QHttpServerResponse notFound(const QHttpServerRequest &request);
    QHttpServerResponse reject(const QHttpServerRequest &request, const char *why, const QString &title,
                               const QString &message, int status);
    void finish(const ClientError &error);
    void stopListening();

    std::unique_ptr<QHttpServer> m_server;
    QPointer<QTcpServer> m_tcp;
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
