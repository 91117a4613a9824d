#pragma once

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
    enum class Error {
        None,
        CouldNotListen,
        AccessDenied,       // the person cancelled at the provider
        AuthorizationError, // any other error redirect: protocolError() says which
        IssuerMismatch,     // RFC 9207: the response names another issuer
        TimedOut,
        Cancelled,
    };
    Q_ENUM(Error)

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
    Error error() const { return m_error; }
    // In the app's own words, translated.
    QString errorMessage() const { return m_errorMessage; }
    // The server's error_description, if any: plain text in its own words
    // (English), never markup, shown beneath errorMessage().
    QString errorDetail() const { return m_errorDetail; }
    QString protocolError() const { return m_protocolError; }

Q_SIGNALS:
    // Once per expect(): the code, or an error.
    void finished();

private:
    QHttpServerResponse handle(const QHttpServerRequest &request);
    QHttpServerResponse page(bool success, const QString &title, const QString &message, int status,
                             const QString &detail = {});
    static QString describeError(const QString &code);
    void finish(Error error, const QString &message, const QString &detail = {});
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
    Error m_error = Error::None;
    QString m_errorMessage;
    QString m_errorDetail;
    QString m_protocolError;
};
