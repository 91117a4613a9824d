#include "LoopbackReceiver.h"

#include "ClientLogging.h"
#include "Protocol.h"

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QLocale>
#include <QTcpServer>
#include <QUrlQuery>

namespace {
// Give the browser a moment to receive the final page before the server goes.
constexpr int ShutdownDelayMs = 2000;
constexpr int MaxCodeLength = 64;

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

QLatin1String methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return QLatin1String("GET");
    case QHttpServerRequest::Method::Post:
        return QLatin1String("POST");
    case QHttpServerRequest::Method::Head:
        return QLatin1String("HEAD");
    case QHttpServerRequest::Method::Put:
        return QLatin1String("PUT");
    case QHttpServerRequest::Method::Delete:
        return QLatin1String("DELETE");
    default:
        return QLatin1String("other");
    }
}

// What a log may say of a request: its method, its path, and the names of
// its query parameters; their values may be a code or a state.
QString describeRequest(const QHttpServerRequest &request)
{
    QStringList keys;
    for (const auto &item : QUrlQuery(request.url()).queryItems())
        keys.append(item.first.left(MaxCodeLength));
    return QStringLiteral("%1 %2 (parameters: %3) from %4")
        .arg(methodName(request.method()),
             QString::fromLatin1(QUrl::toPercentEncoding(request.url().path().left(200), "/")),
             keys.join(QLatin1Char(',')), request.remoteAddress().toString());
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
    m_server = std::make_unique<QHttpServer>();
    m_server->route(QLatin1String(Protocol::RedirectPath), QHttpServerRequest::Method::Get,
                    [this](const QHttpServerRequest &request) { return handle(request); });
    // Another method or path (one segment deep, say /favicon.ico) is refused
    // here rather than by QHttpServer, so the log tells of it.
    const QHttpServerRequest::Methods any = QHttpServerRequest::Method::Get | QHttpServerRequest::Method::Post
        | QHttpServerRequest::Method::Head | QHttpServerRequest::Method::Put | QHttpServerRequest::Method::Delete
        | QHttpServerRequest::Method::Options | QHttpServerRequest::Method::Patch;
    m_server->route(QStringLiteral("/"), any, [this](const QHttpServerRequest &request) { return notFound(request); });
    m_server->route(QStringLiteral("/<arg>"), any,
                    [this](const QString &, const QHttpServerRequest &request) { return notFound(request); });
    for (const QHostAddress &address : std::as_const(m_addresses)) {
        auto *tcp = new QTcpServer(m_server.get());
        if (tcp->listen(address, 0)) {
            m_server->bind(tcp);
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
    m_server.reset();
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

QHttpServerResponse LoopbackReceiver::handle(const QHttpServerRequest &request)
{
    if (!request.remoteAddress().isLoopback())
        return reject(request, "not from this computer", tr("Not allowed"),
                      tr("Only this computer may answer Latchkey."), 403);
    const QUrlQuery query(request.url());
    const QString state = query.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
    if (!m_waiting || state.isEmpty() || state != m_state) {
        // A stale tab or a stray request: explain, and keep waiting for the real one.
        return reject(request, m_waiting ? "unknown state" : "no sign-in waiting",
                      tr("This sign-in page is out of date"),
                      tr("It belongs to an earlier or another sign-in. Return to Latchkey and continue there."), 400);
    }
    const QString iss = query.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded);
    if (!m_issuer.isEmpty() && iss != m_issuer) {
        ClientError error = ClientError::make(ClientError::Code::CallbackIssuerMismatch,
                                              QStringLiteral("iss \"%1\", expected \"%2\"")
                                                  .arg(ClientError::boundedDescription(iss.left(200)), m_issuer));
        finish(error);
        return reject(request, "another issuer", tr("Signing in was stopped"),
                      tr("The answer came from an unexpected server. Signing in was stopped for your safety."), 400);
    }
    const QString serverError = formValue(query, QStringLiteral("error")).left(MaxCodeLength);
    if (!serverError.isEmpty()) {
        ClientError error = ClientError::make(serverError == QLatin1String("access_denied")
                                                  ? ClientError::Code::AccessDenied
                                                  : ClientError::Code::AuthorizationRejected);
        error.serverError = serverError;
        error.serverDescription = ClientError::boundedDescription(formValue(query, QStringLiteral("error_description")));
        qCInfo(lcLoopback).noquote() << "error redirect:" << serverError << describeRequest(request);
        finish(error);
        return page(false, tr("You are not signed in"), describeError(serverError), 200, error.serverDescription);
    }
    const QString code = query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    if (code.isEmpty()) {
        finish(ClientError::make(ClientError::Code::NoAuthorizationCode));
        return reject(request, "no code", tr("You are not signed in"),
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
    if (code == QLatin1String("access_denied"))
        return tr("Signing in was cancelled in the browser.");
    if (code == QLatin1String("temporarily_unavailable"))
        return tr("The sign-in provider can't be reached right now. Try again in a few minutes.");
    if (code == QLatin1String("server_error"))
        return tr("The sign-in provider could not confirm who you are.");
    // These mean the request itself was refused: a setting, or this version of Latchkey.
    static const QStringList refusedRequest{QStringLiteral("invalid_request"), QStringLiteral("unauthorized_client"),
                                            QStringLiteral("unsupported_response_type"),
                                            QStringLiteral("invalid_scope")};
    if (refusedRequest.contains(code))
        return tr("The server turned down Latchkey's sign-in request (%1). Check the server address and client id in "
                  "the server settings.")
            .arg(code);
    return tr("The server could not sign you in (%1).").arg(code);
}

QHttpServerResponse LoopbackReceiver::notFound(const QHttpServerRequest &request)
{
    return reject(request, "unknown path or method", tr("Not found"),
                  tr("Latchkey only expects the browser back at its sign-in address."), 404);
}

QHttpServerResponse LoopbackReceiver::reject(const QHttpServerRequest &request, const char *why, const QString &title,
                                             const QString &message, int status)
{
    qCWarning(lcLoopback).noquote() << "rejected:" << QLatin1String(why) << describeRequest(request) << "->" << status;
    return page(false, title, message, status);
}

QHttpServerResponse LoopbackReceiver::page(bool success, const QString &title, const QString &message, int status,
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
    QHttpServerResponse response(QByteArrayLiteral("text/html; charset=utf-8"), html.toUtf8(),
                                 QHttpServerResponse::StatusCode(status));
    response.addHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store"));
    response.addHeader(QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("no-referrer"));
    response.addHeader(QByteArrayLiteral("Content-Security-Policy"),
                       QByteArrayLiteral("default-src 'none'; style-src 'unsafe-inline'"));
    return response;
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
    if (m_tcp)
        m_tcp->close(); // the port is free from here on
    if (m_server) {
        // The answer to the last request may still be on its way out. The
        // receiver still owns the server meanwhile: it goes with the receiver
        // at the latest, also when the app quits before the delay is over.
        QHttpServer *server = m_server.release();
        server->setParent(this);
        QTimer::singleShot(ShutdownDelayMs, server, [server] { delete server; });
    }
}
