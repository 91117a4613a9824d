#include "LoopbackReceiver.h"

#include "ClaimNames.h"
#include "ClientLogging.h"
#include "ErrorCodes.h"
#include "Protocol.h"

#include <QFile>
#include <QLocale>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrlQuery>

namespace {
// Give the browser a moment to receive the final page before the server goes.
constexpr int ShutdownDelayMs = 2000;
constexpr int MaxCodeLength = 64;
// The same on every answer: never cached, no referrer passed on, nothing
// loaded by the page, and one answer per connection.
constexpr char AnswerHeaders[] = "Content-Type: text/html; charset=utf-8\r\n"
                                 "Cache-Control: no-store\r\n"
                                 "Referrer-Policy: no-referrer\r\n"
                                 "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
                                 "Connection: close\r\n";
// What Qt may buffer of one connection: the head and a little beyond.
constexpr qint64 SocketBufferBytes = 2 * LoopbackRequest::MaxHeadBytes;

QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

// RFC 6749 Appendix B: the redirect's query is form-encoded, so many
// providers send a space in error_description as '+'.
QString formValue(const QUrlQuery &query, const QString &key)
{
    QString value = query.queryItemValue(key, QUrl::FullyEncoded);
    value.replace(QLatin1Char('+'), QLatin1String("%20"));
    return QUrl::fromPercentEncoding(value.toLatin1());
}

// The methods QHttpServer knew by name; the log says "other" for the rest.
QLatin1String methodName(const QByteArray &method)
{
    for (const char *known : {"GET", "POST", "HEAD", "PUT", "DELETE"}) {
        if (method == known)
            return QLatin1String(known);
    }
    return QLatin1String("other");
}

// What a log may say of a request: its method, its path, and the names of
// its query parameters; their values may be a code or a state.
QString describeRequest(const LoopbackRequest &request, const QHostAddress &peer)
{
    QStringList keys;
    for (const auto &item : QUrlQuery(request.url()).queryItems())
        keys.append(item.first.left(MaxCodeLength));
    return QStringLiteral("%1 %2 (parameters: %3) from %4")
        .arg(methodName(request.method()),
             QString::fromLatin1(QUrl::toPercentEncoding(request.url().path().left(200), "/")),
             keys.join(QLatin1Char(',')), peer.toString());
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 501:
        return "Not Implemented";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}
} // namespace

LoopbackReceiver::LoopbackReceiver(QObject *parent)
    : QObject(parent)
{
    // The pages are resources of a static library, which the linker may drop otherwise.
    Q_INIT_RESOURCE(client);
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        qCInfo(lcLoopback) << "no callback within" << m_timeout.interval() << "ms";
        finish(ClientError::make(ClientError::Code::BrowserTimedOut,
                                 QStringLiteral("%1 minutes").arg(m_timeout.interval() / 60000)));
    });
}

LoopbackReceiver::~LoopbackReceiver() = default;

QList<QHostAddress> LoopbackReceiver::defaultAddresses()
{
    return {QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::LocalHostIPv6)};
}

void LoopbackReceiver::setAddresses(const QList<QHostAddress> &addresses)
{
    m_addresses.clear();
    for (const QHostAddress &address : addresses) {
        if (address != QHostAddress::Any && address != QHostAddress::AnyIPv4 && address != QHostAddress::AnyIPv6)
            m_addresses.append(address);
    }
}

bool LoopbackReceiver::listen()
{
    if (isListening())
        return true;
    for (const QHostAddress &address : std::as_const(m_addresses)) {
        auto *tcp = new QTcpServer(this);
        if (tcp->listen(address, 0)) {
            connect(tcp, &QTcpServer::newConnection, this, &LoopbackReceiver::acceptConnections);
            m_tcp = tcp;
            m_port = tcp->serverPort();
            m_host = address.protocol() == QAbstractSocket::IPv6Protocol
                ? QStringLiteral("[%1]").arg(address.toString())
                : address.toString();
            qCDebug(lcLoopback) << "listening on" << m_host << m_port;
            return true;
        }
        delete tcp;
    }
    m_error = ClientError::make(ClientError::Code::CouldNotListen);
    qCWarning(lcLoopback) << "no loopback address could be bound";
    return false;
}

bool LoopbackReceiver::isListening() const
{
    return m_tcp && m_tcp->isListening();
}

QString LoopbackReceiver::redirectUri() const
{
    return QStringLiteral("http://%1:%2%3").arg(m_host).arg(m_port).arg(QLatin1String(Protocol::RedirectPath));
}

void LoopbackReceiver::expect(const QString &state, const QString &issuer, int timeoutMs)
{
    m_state = state;
    m_issuer = issuer;
    m_waiting = true;
    m_code.clear();
    m_error = {};
    m_timeout.start(timeoutMs);
}

void LoopbackReceiver::cancel()
{
    if (m_waiting)
        finish(ClientError::make(ClientError::Code::Cancelled));
    else
        stopListening();
}

void LoopbackReceiver::acceptConnections()
{
    while (m_tcp && m_tcp->hasPendingConnections()) {
        QTcpSocket *socket = m_tcp->nextPendingConnection();
        socket->setParent(this); // the connection goes with the receiver, not with the listener
        if (m_connections >= MaxConnections) {
            qCWarning(lcLoopback).noquote()
                << "too many connections: closed one from" << socket->peerAddress().toString();
            socket->abort();
            socket->deleteLater();
            continue;
        }
        ++m_connections;
        socket->setReadBufferSize(SocketBufferBytes);
        m_requests.insert(socket, {});
        connect(socket, &QObject::destroyed, this, [this, socket] {
            --m_connections;
            m_requests.remove(socket);
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readRequest(socket); });
        QTimer::singleShot(m_requestTimeoutMs, socket, [this, socket] { dropIncomplete(socket); });
        if (socket->bytesAvailable() > 0)
            readRequest(socket);
    }
}

void LoopbackReceiver::readRequest(QTcpSocket *socket)
{
    const auto pending = m_requests.find(socket);
    if (pending == m_requests.end()) {
        socket->readAll(); // after the answer: whatever else comes is dropped, unread
        return;
    }
    LoopbackRequest &request = pending.value();
    while (request.result() == LoopbackRequest::Result::NeedMore && socket->bytesAvailable() > 0)
        request.feed(socket->read(qMin(socket->bytesAvailable(), request.room())));
    if (request.result() == LoopbackRequest::Result::NeedMore)
        return;
    const LoopbackRequest complete = request;
    m_requests.erase(pending);
    const QHostAddress peer = socket->peerAddress();
    if (complete.result() == LoopbackRequest::Result::Error) {
        qCWarning(lcLoopback).noquote()
            << QStringLiteral("rejected: unreadable request (%1) from").arg(complete.errorReason()) << peer.toString()
            << "->" << complete.errorStatus();
        answer(socket, {},
               page(false, tr("Not understood"), tr("Latchkey could not read this request."), complete.errorStatus()));
        return;
    }
    // finished() may end the wait, and whoever listens with it; the socket goes at the latest with the receiver.
    const QPointer<QTcpSocket> alive(socket);
    const Page reply = route(complete, peer);
    if (alive)
        answer(socket, complete.method(), reply);
}

void LoopbackReceiver::dropIncomplete(QTcpSocket *socket)
{
    if (!m_requests.remove(socket))
        return;
    qCWarning(lcLoopback).noquote() << "dropped: no complete request within" << m_requestTimeoutMs << "ms from"
                                    << socket->peerAddress().toString();
    socket->abort();
    socket->deleteLater();
}

void LoopbackReceiver::answer(QTcpSocket *socket, const QByteArray &method, const Page &page)
{
    const QByteArray head = "HTTP/1.1 " + QByteArray::number(page.status) + ' ' + reasonPhrase(page.status)
        + "\r\nContent-Length: " + QByteArray::number(page.html.size()) + "\r\n" + AnswerHeaders + "\r\n";
    socket->write(method == "HEAD" ? head : head + page.html);
    socket->readAll(); // what came after the head is dropped, so that closing does not reset the connection
    socket->disconnectFromHost();
    // A browser that does not read its answer does not keep the connection.
    QTimer::singleShot(ShutdownDelayMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
}

LoopbackReceiver::Page LoopbackReceiver::route(const LoopbackRequest &request, const QHostAddress &peer)
{
    if (request.method() == "GET" && request.contentLength() == 0
        && request.url().path() == QLatin1String(Protocol::RedirectPath))
        return handle(request, peer);
    // Another method, a body, or another path: refused, and the log tells of it.
    return reject(request, peer, request.contentLength() > 0 ? "unexpected body" : "unknown path or method",
                  tr("Not found"), tr("Latchkey only expects the browser back at its sign-in address."), 404);
}

LoopbackReceiver::Page LoopbackReceiver::handle(const LoopbackRequest &request, const QHostAddress &peer)
{
    if (!peer.isLoopback())
        return reject(request, peer, "not from this computer", tr("Not allowed"),
                      tr("Only this computer may answer Latchkey."), 403);
    const QUrlQuery query(request.url());
    const QString state = query.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
    if (!m_waiting || state.isEmpty() || state != m_state) {
        // A stale tab or a stray request: explain, and keep waiting for the real one.
        return reject(request, peer, m_waiting ? "unknown state" : "no sign-in waiting",
                      tr("This sign-in page is out of date"),
                      tr("It belongs to an earlier or another sign-in. Return to Latchkey and continue there."), 400);
    }
    const QString iss = query.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded);
    if (!m_issuer.isEmpty() && iss != m_issuer) {
        ClientError error = ClientError::make(ClientError::Code::CallbackIssuerMismatch,
                                              QStringLiteral("iss \"%1\", expected \"%2\"")
                                                  .arg(ClientError::boundedDescription(iss.left(200)), m_issuer));
        finish(error);
        return reject(request, peer, "another issuer", tr("Signing in was stopped"),
                      tr("The answer came from an unexpected server. Signing in was stopped for your safety."), 400);
    }
    const QString serverError = formValue(query, QStringLiteral("error")).left(MaxCodeLength);
    if (!serverError.isEmpty()) {
        ClientError error = ClientError::make(serverError == QLatin1String(ErrorCode::AccessDenied)
                                                  ? ClientError::Code::AccessDenied
                                                  : ClientError::Code::AuthorizationRejected);
        error.serverError = serverError;
        error.serverDescription = ClientError::boundedDescription(formValue(query, QStringLiteral("error_description")));
        // The linking extension says why a link sign-in linked nothing (PROTOCOL.md 6.5).
        const QString linkError = formValue(query, QLatin1String(LinkField::LinkError)).left(MaxCodeLength);
        if (!linkError.isEmpty())
            error.body.insert(QLatin1String(LinkField::LinkError), linkError);
        qCInfo(lcLoopback).noquote() << "error redirect:" << serverError << describeRequest(request, peer);
        finish(error);
        return page(false, tr("You are not signed in"), describeError(serverError), 200, error.serverDescription);
    }
    const QString code = query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    if (code.isEmpty()) {
        finish(ClientError::make(ClientError::Code::NoAuthorizationCode));
        return reject(request, peer, "no code", tr("You are not signed in"),
                      tr("The server's answer had no authorization code."), 400);
    }
    m_code = code;
    qCDebug(lcLoopback) << "callback accepted";
    finish({});
    return page(true, tr("Done in the browser"), tr("Latchkey is finishing in its own window."), 200);
}

// The app's own sentence for an error redirect (RFC 6749 4.1.2.1, and the
// upstream failures of PROTOCOL.md 4): what happened and what to do, so the
// server's description is only the detail beneath it.
QString LoopbackReceiver::describeError(const QString &code)
{
    if (code == QLatin1String(ErrorCode::AccessDenied))
        return tr("Signing in was cancelled in the browser.");
    if (code == QLatin1String(ErrorCode::TemporarilyUnavailable))
        return tr("The sign-in provider can't be reached right now. Try again in a few minutes.");
    if (code == QLatin1String(ErrorCode::ServerError))
        return tr("The sign-in provider could not confirm who you are.");
    // These mean the request itself was refused: a setting, or this version of Latchkey.
    static const QStringList refusedRequest{QLatin1String(ErrorCode::InvalidRequest),
                                            QLatin1String(ErrorCode::UnauthorizedClient),
                                            QLatin1String(ErrorCode::UnsupportedResponseType),
                                            QLatin1String(ErrorCode::InvalidScope)};
    if (refusedRequest.contains(code))
        return tr("The server turned down Latchkey's sign-in request (%1). Check the server address and client id in "
                  "the server settings.")
            .arg(code);
    return tr("The server could not sign you in (%1).").arg(code);
}

LoopbackReceiver::Page LoopbackReceiver::reject(const LoopbackRequest &request, const QHostAddress &peer,
                                                const char *why, const QString &title, const QString &message,
                                                int status)
{
    qCWarning(lcLoopback).noquote() << "rejected:" << QLatin1String(why) << describeRequest(request, peer) << "->"
                                    << status;
    return page(false, title, message, status);
}

LoopbackReceiver::Page LoopbackReceiver::page(bool success, const QString &title, const QString &message, int status,
                                              const QString &detail)
{
    QFile file(QStringLiteral(":/client/callback.html"));
    QString html = file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QStringLiteral("{{title}}");
    html.replace(QLatin1String("{{lang}}"), QLocale().bcp47Name())
        .replace(QLatin1String("{{kind}}"), success ? QStringLiteral("ok") : QStringLiteral("failed"))
        .replace(QLatin1String("{{mark}}"), success ? QStringLiteral("✓") : QStringLiteral("!"))
        .replace(QLatin1String("{{title}}"), escaped(title))
        .replace(QLatin1String("{{message}}"), escaped(message))
        .replace(QLatin1String("{{detail}}"), escaped(detail))
        .replace(QLatin1String("{{hint}}"), escaped(tr("You can close this tab and return to Latchkey.")));
    return {status, html.toUtf8()};
}

void LoopbackReceiver::finish(const ClientError &error)
{
    if (!m_waiting)
        return;
    m_waiting = false;
    m_timeout.stop();
    m_error = error;
    stopListening();
    Q_EMIT finished();
}

void LoopbackReceiver::stopListening()
{
    if (m_tcp) {
        m_tcp->close(); // the port is free from here on
        m_tcp->deleteLater();
        m_tcp = nullptr;
    }
    // The answer to the last request may still be on its way out; whatever
    // else is still open goes a moment later, or with the receiver.
    for (QTcpSocket *socket : findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly)) {
        QTimer::singleShot(ShutdownDelayMs, socket, [this, socket] {
            m_requests.remove(socket);
            socket->abort();
            socket->deleteLater();
        });
    }
}
