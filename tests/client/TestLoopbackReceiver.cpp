#include "HttpRobot.h"
#include "LoopbackReceiver.h"

#include <QDeadlineTimer>
#include <QNetworkInterface>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <functional>
#include <memory>
#include <vector>

using Error = ClientError::Code;

namespace {

// Spins the event loop (the receiver lives in this thread) until `done`.
bool waitUntil(const std::function<bool()> &done, int timeoutMs = 5000)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(10);
    }
    return true;
}

// A connection that sends bytes no browser would, and keeps what comes back.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] { m_received += m_socket.readAll(); });
        m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    }
    bool connected()
    {
        return waitUntil([this] { return m_socket.state() == QAbstractSocket::ConnectedState; });
    }
    void send(const QByteArray &bytes) { m_socket.write(bytes); }
    // Whether the receiver closed the connection within `timeoutMs`.
    bool closedByPeer(int timeoutMs = 5000)
    {
        return waitUntil([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
    }
    bool isOpen() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void close() { m_socket.disconnectFromHost(); }
    QByteArray received() const { return m_received; }
    int status() const { return m_received.startsWith("HTTP/1.1 ") ? m_received.mid(9, 3).toInt() : 0; }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
};

// The browser's own callback still gets through after whatever came before,
// and its code is the one kept.
void expectRealCallback(const LoopbackReceiver &receiver)
{
    HttpRobot http;
    QCOMPARE(http.get(QUrl(receiver.redirectUri() + "?code=real&state=s-1")).status, 200);
    QCOMPARE(receiver.code(), QStringLiteral("real"));
}

} // namespace

class TestLoopbackReceiver : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listensOnIpv4LoopbackOnly();
    void fallsBackToIpv6Loopback();
    void refusesAnyAddress();
    void rejectsPeersFromOtherAddresses();
    void validCallbackEndsWaitAndReleasesPort();
    void outcomes_data();
    void outcomes();
    void errorMessages_data();
    void errorMessages();
    void strayRequestsDoNotEndWait_data();
    void strayRequestsDoNotEndWait();
    void malformedRequestsAreAnsweredAndClosed_data();
    void malformedRequestsAreAnsweredAndClosed();
    void absoluteFormTargetIsAccepted_data();
    void absoluteFormTargetIsAccepted();
    void incompleteRequestIsDropped();
    void connectionsBeyondTheLimitAreClosed();
    void pipelinedRequestGetsNoAnswer();
    void newExpectationReplacesOldState();
    void timeoutReleasesPort();
    void cancelReleasesPort();
};

void TestLoopbackReceiver::listensOnIpv4LoopbackOnly()
{
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    QVERIFY(receiver.port() > 0);
    QCOMPARE(receiver.redirectUri(), QStringLiteral("http://127.0.0.1:%1/callback").arg(receiver.port()));
}

void TestLoopbackReceiver::fallsBackToIpv6Loopback()
{
    if (QTcpServer probe; !probe.listen(QHostAddress::LocalHostIPv6))
        QSKIP("IPv6 is disabled on this machine.");
    // 127.0.0.1 always binds here, so an address that is not this machine's
    // (TEST-NET-3, RFC 5737) stands in for an IPv4 loopback that cannot bind.
    LoopbackReceiver receiver;
    receiver.setAddresses({QHostAddress("203.0.113.7"), QHostAddress(QHostAddress::LocalHostIPv6)});
    QVERIFY(receiver.listen());
    QCOMPARE(receiver.redirectUri(), QStringLiteral("http://[::1]:%1/callback").arg(receiver.port()));
    receiver.expect("s-6", "", 5000);
    QSignalSpy finished(&receiver, &LoopbackReceiver::finished);
    HttpRobot http;
    QCOMPARE(http.get(QUrl(receiver.redirectUri() + "?code=c-6&state=s-6")).status, 200);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(receiver.code(), QStringLiteral("c-6"));
}

void TestLoopbackReceiver::refusesAnyAddress()
{
    LoopbackReceiver receiver;
    receiver.setAddresses({QHostAddress(QHostAddress::Any), QHostAddress(QHostAddress::AnyIPv4)});
    QVERIFY(!receiver.listen());
    QCOMPARE(receiver.error().code, Error::CouldNotListen);
    QVERIFY(receiver.error().detail.isEmpty());
}

void TestLoopbackReceiver::rejectsPeersFromOtherAddresses()
{
    // Listening on the machine's own network address makes a request arrive
    // from a peer that is not loopback, as one from another host would.
    QHostAddress external;
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback() && !address.isLinkLocal())
            external = address;
    }
    if (external.isNull())
        QSKIP("This machine has no non-loopback IPv4 address to send from.");
    LoopbackReceiver receiver;
    receiver.setAddresses({external});
    QVERIFY(receiver.listen());
    receiver.expect("s-7", "", 5000);
    QSignalSpy finished(&receiver, &LoopbackReceiver::finished);
    HttpRobot http;
    const HttpResult page = http.get(QUrl(receiver.redirectUri() + "?code=c-7&state=s-7"));
    QCOMPARE(page.status, 403);
    QVERIFY(page.body.contains("Only this computer"));
    QCOMPARE(finished.size(), 0);
    QVERIFY(receiver.isListening());
}

void TestLoopbackReceiver::validCallbackEndsWaitAndReleasesPort()
{
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.expect("s-1", "https://id.example", 5000);
    QSignalSpy finished(&receiver, &LoopbackReceiver::finished);
    HttpRobot http;
    const HttpResult page = http.get(QUrl(receiver.redirectUri() + "?code=c-1&state=s-1&iss=https%3A%2F%2Fid.example"));
    QCOMPARE(page.status, 200);
    QVERIFY(page.header("Content-Type").startsWith("text/html"));
    QVERIFY(page.body.contains("return to Latchkey"));
    QCOMPARE(page.header("Cache-Control"), QByteArray("no-store"));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(receiver.error().code, Error::None);
    QCOMPARE(receiver.code(), QStringLiteral("c-1"));
    QVERIFY(!receiver.isListening());
    QVERIFY(!HttpRobot::acceptsConnections(receiver.port()));
}

void TestLoopbackReceiver::outcomes_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("issuer");
    QTest::addColumn<Error>("error");
    QTest::addColumn<QString>("protocolError");
    QTest::newRow("access denied") << "error=access_denied&state=s-1&iss=https%3A%2F%2Fid.example"
                                   << "https://id.example" << Error::AccessDenied << "access_denied";
    QTest::newRow("other error") << "error=server_error&error_description=Oops&state=s-1"
                                 << "" << Error::AuthorizationRejected << "server_error";
    QTest::newRow("wrong iss") << "code=c&state=s-1&iss=https%3A%2F%2Fevil.example"
                               << "https://id.example" << Error::CallbackIssuerMismatch << "";
    QTest::newRow("missing iss when advertised") << "code=c&state=s-1"
                                                 << "https://id.example" << Error::CallbackIssuerMismatch << "";
    QTest::newRow("iss not checked when not advertised") << "code=c&state=s-1"
                                                         << "" << Error::None << "";
    QTest::newRow("no code") << "state=s-1"
                             << "" << Error::NoAuthorizationCode << "";
}

void TestLoopbackReceiver::outcomes()
{
    QFETCH(QString, query);
    QFETCH(QString, issuer);
    QFETCH(Error, error);
    QFETCH(QString, protocolError);
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.expect("s-1", issuer, 5000);
    QSignalSpy finished(&receiver, &LoopbackReceiver::finished);
    HttpRobot http;
    const HttpResult page = http.get(QUrl(receiver.redirectUri() + "?" + query));
    QVERIFY(page.body.contains("return to Latchkey"));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(receiver.error().code, error);
    QCOMPARE(receiver.error().serverError, protocolError);
    QVERIFY(!receiver.isListening());
}

void TestLoopbackReceiver::errorMessages_data()
{
    // The browser page's own sentence per code (PROTOCOL.md 4's upstream
    // failures first); the server's description is only the detail, kept as text.
    QTest::addColumn<QString>("query");
    QTest::addColumn<Error>("error");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("detail");
    QTest::newRow("cancelled upstream") << "error=access_denied&error_description=You+cancelled+at+Google."
                                        << Error::AccessDenied << "Signing in was cancelled in the browser."
                                        << "You cancelled at Google.";
    QTest::newRow("provider unreachable")
        << "error=temporarily_unavailable&error_description=Google+did+not+answer+within+10+seconds."
        << Error::AuthorizationRejected
        << "The sign-in provider can't be reached right now. Try again in a few minutes."
        << "Google did not answer within 10 seconds.";
    QTest::newRow("provider's own error")
        << "error=server_error&error_description=GitHub+said%3A+bad_verification_code" << Error::AuthorizationRejected
        << "The sign-in provider could not confirm who you are."
        << "GitHub said: bad_verification_code";
    QTest::newRow("markup in the description stays literal")
        << "error=server_error&error_description=%3Cb%3Ex%3C%2Fb%3E+%26amp%3B+%3Cimg+src%3Dx%3E"
        << Error::AuthorizationRejected << "The sign-in provider could not confirm who you are."
        << "<b>x</b> &amp; <img src=x>";
    QTest::newRow("description over several lines becomes one")
        << "error=server_error&error_description=line+one%0D%0Aline%09two" << Error::AuthorizationRejected
        << "The sign-in provider could not confirm who you are."
        << "line one line two";
    QTest::newRow("form encoding: '+' is a space, %2B a plus, UTF-8")
        << "error=server_error&error_description=1%2B1+%C3%BCber+%F0%9F%94%91" << Error::AuthorizationRejected
        << "The sign-in provider could not confirm who you are." << QString::fromUtf8("1+1 über 🔑");
    QTest::newRow("no description") << "error=temporarily_unavailable" << Error::AuthorizationRejected
                                    << "The sign-in provider can't be reached right now. Try again in a few minutes."
                                    << "";
    for (const char *code : {"invalid_request", "unauthorized_client", "unsupported_response_type", "invalid_scope"}) {
        QTest::newRow(code) << QStringLiteral("error=%1&error_description=Nope.").arg(code)
                            << Error::AuthorizationRejected
                            << QStringLiteral("The server turned down Latchkey's sign-in request (%1). Check the "
                                              "server address and client id in the server settings.")
                                   .arg(code)
                            << "Nope.";
    }
    QTest::newRow("unknown code") << "error=mystery&error_description=Hmm." << Error::AuthorizationRejected
                                  << "The server could not sign you in (mystery)."
                                  << "Hmm.";
}

void TestLoopbackReceiver::errorMessages()
{
    QFETCH(QString, query);
    QFETCH(Error, error);
    QFETCH(QString, message);
    QFETCH(QString, detail);
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.expect("s-1", "", 5000);
    HttpRobot http;
    const HttpResult page = http.get(QUrl(receiver.redirectUri() + "?state=s-1&" + query));
    QCOMPARE(receiver.error().code, error);
    QCOMPARE(receiver.error().serverDescription, detail);
    // The browser's page says the same, escaped: the server's text never becomes markup.
    QVERIFY(page.body.contains(message.toHtmlEscaped().toUtf8()));
    QVERIFY(page.body.contains(detail.toHtmlEscaped().toUtf8()));
    QVERIFY(!page.body.contains("<b>x</b>"));
    QVERIFY(!page.body.contains("<img"));
}

void TestLoopbackReceiver::strayRequestsDoNotEndWait_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("pathAndQuery");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("logged"); // the warning, with the parameters' names but never their values
    QTest::newRow("favicon") << QByteArray("GET") << "/favicon.ico" << 404
                             << "rejected: unknown path or method GET /favicon.ico (parameters: )";
    QTest::newRow("deep path") << QByteArray("GET") << "/a/b/c" << 404
                               << "rejected: unknown path or method GET /a/b/c (parameters: )";
    QTest::newRow("root") << QByteArray("GET") << "/" << 404 << "rejected: unknown path or method GET / (parameters: )";
    QTest::newRow("POST to callback") << QByteArray("POST") << "/callback?code=c-secret&state=s-1" << 404
                                      << "rejected: unknown path or method POST /callback (parameters: code,state)";
    QTest::newRow("wrong state") << QByteArray("GET") << "/callback?code=c-secret&state=other" << 400
                                 << "rejected: unknown state GET /callback (parameters: code,state)";
    QTest::newRow("missing state") << QByteArray("GET") << "/callback?code=c-secret" << 400
                                   << "rejected: unknown state GET /callback (parameters: code)";
    QTest::newRow("error with wrong state") << QByteArray("GET") << "/callback?error=access_denied&state=x" << 400
                                            << "rejected: unknown state GET /callback (parameters: error,state)";
}

void TestLoopbackReceiver::strayRequestsDoNotEndWait()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, pathAndQuery);
    QFETCH(int, status);
    QFETCH(QString, logged);
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.expect("s-1", "", 5000);
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression("^" + QRegularExpression::escape(logged) + " from 127\\.0\\.0\\.1 -> "
                                            + QString::number(status) + "$"));
    QSignalSpy finished(&receiver, &LoopbackReceiver::finished);
    HttpRobot http;
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(receiver.port());
    QCOMPARE(http.send(verb, QUrl(base + pathAndQuery), {}, {}).status, status);
    QCOMPARE(finished.size(), 0);
    QVERIFY(receiver.isListening());
    QCOMPARE(http.get(QUrl(base + "/callback?code=real&state=s-1")).status, 200);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(receiver.code(), QStringLiteral("real"));
}

void TestLoopbackReceiver::malformedRequestsAreAnsweredAndClosed_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("logged"); // up to " from 127.0.0.1 -> <status>"
    const QByteArray host = "Host: 127.0.0.1\r\n";
    QTest::newRow("request line over 8 KiB") << "GET /callback?code=c&state=" + QByteArray(9000, 'a') + " HTTP/1.1\r\n"
            + host + "\r\n" << 414 << "rejected: unreadable request (request line too long)";
    QTest::newRow("header fields over 8 KiB")
        << "GET /callback?code=c&state=s-1 HTTP/1.1\r\n" + host + "X-Filler: " + QByteArray(9000, 'a') + "\r\n\r\n"
        << 431 << "rejected: unreadable request (header fields too large)";
    QTest::newRow("TLS record") << QByteArray("\x16\x03\x01\x02\x01hello\r\n\r\n") << 400
                                << "rejected: unreadable request (not a request line)";
    QTest::newRow("garbage request line")
        << QByteArray("this is not HTTP\r\n\r\n") << 400 << "rejected: unreadable request (no HTTP version)";
    QTest::newRow("HTTP/2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << 505
                                    << "rejected: unreadable request (not HTTP/1.x)";
    QTest::newRow("HTTP/0.9 request line") << QByteArray("GET /callback?code=c&state=s-1\r\n\r\n") << 400
                                           << "rejected: unreadable request (not a request line)";
    QTest::newRow("absolute-form, not http") << "GET ftp://127.0.0.1/callback?code=c&state=s-1 HTTP/1.1\r\n" + host
            + "\r\n" << 400 << "rejected: unreadable request (bad request target)";
    QTest::newRow("absolute-form, no authority") << "GET http:///callback?code=c&state=s-1 HTTP/1.1\r\n" + host + "\r\n"
                                                 << 400 << "rejected: unreadable request (bad request target)";
    QTest::newRow("no Host") << QByteArray("GET /callback?code=c&state=s-1 HTTP/1.1\r\n\r\n") << 400
                             << "rejected: unreadable request (no single Host field)";
    QTest::newRow("chunked body") << "POST /callback HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n5\r\n"
                                  << 501 << "rejected: unreadable request (Transfer-Encoding)";
    // Answered as soon as the head is read: the 100000 bytes announced are never waited for.
    QTest::newRow("POST with a body") << "POST /callback?code=c&state=s-1 HTTP/1.1\r\n" + host
            + "Content-Length: 100000\r\n\r\ncode=c"
                                      << 404 << "rejected: unexpected body POST /callback (parameters: code,state)";
    QTest::newRow("GET with a body") << "GET /callback?code=c&state=s-1 HTTP/1.1\r\n" + host
            + "Content-Length: 5\r\n\r\n"
                                     << 404 << "rejected: unexpected body GET /callback (parameters: code,state)";
}

void TestLoopbackReceiver::malformedRequestsAreAnsweredAndClosed()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, logged);
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.expect("s-1", "", 5000);
    QSignalSpy finished(&receiver, &LoopbackReceiver::finished);
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression("^" + QRegularExpression::escape(logged) + " from 127\\.0\\.0\\.1 -> "
                                            + QString::number(status) + "$"));
    RawClient client(receiver.port());
    QVERIFY(client.connected());
    client.send(request);
    QVERIFY(client.closedByPeer());
    QCOMPARE(client.status(), status);
    QVERIFY(client.received().contains("\r\nConnection: close\r\n"));
    QVERIFY(client.received().contains("\r\nContent-Security-Policy: default-src 'none'"));
    QCOMPARE(finished.size(), 0);
    QVERIFY(receiver.isListening());
    expectRealCallback(receiver);
}

void TestLoopbackReceiver::absoluteFormTargetIsAccepted_data()
{
    QTest::addColumn<QByteArray>("prefix"); // before "/callback"
    QTest::newRow("http, loopback and port") << QByteArray("http://127.0.0.1:%1");
    QTest::newRow("scheme in capitals") << QByteArray("HTTP://127.0.0.1:%1");
}

// RFC 9112 3.2.2: the absolute-form reaches the callback as the origin-form would.
void TestLoopbackReceiver::absoluteFormTargetIsAccepted()
{
    QFETCH(QByteArray, prefix);
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.expect("s-1", "", 5000);
    QSignalSpy finished(&receiver, &LoopbackReceiver::finished);
    RawClient client(receiver.port());
    QVERIFY(client.connected());
    const QByteArray authority = QByteArray(prefix).replace("%1", QByteArray::number(receiver.port()));
    client.send("GET " + authority + "/callback?code=c-abs&state=s-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QVERIFY(client.closedByPeer());
    QCOMPARE(client.status(), 200);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(receiver.code(), QStringLiteral("c-abs"));
}

void TestLoopbackReceiver::incompleteRequestIsDropped()
{
    LoopbackReceiver receiver;
    receiver.setRequestTimeout(300); // the default 10 s, shortened for the test
    QVERIFY(receiver.listen());
    receiver.expect("s-1", "", 5000);
    QTest::ignoreMessage(QtWarningMsg, "dropped: no complete request within 300 ms from 127.0.0.1");
    RawClient client(receiver.port());
    QVERIFY(client.connected());
    client.send("GET /callback?code=c&state=s-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // no empty line: never complete
    QVERIFY(client.closedByPeer());
    QVERIFY(client.received().isEmpty());
    QVERIFY(receiver.isListening());
    expectRealCallback(receiver);
}

void TestLoopbackReceiver::connectionsBeyondTheLimitAreClosed()
{
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.expect("s-1", "", 5000);
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < LoopbackReceiver::MaxConnections; ++i) {
        clients.push_back(std::make_unique<RawClient>(receiver.port()));
        QVERIFY(clients.back()->connected());
    }
    QTest::ignoreMessage(QtWarningMsg, "too many connections: closed one from 127.0.0.1");
    RawClient extra(receiver.port());
    QVERIFY(extra.closedByPeer());
    QVERIFY(extra.received().isEmpty());
    for (const auto &client : clients)
        QVERIFY(client->isOpen());
    // Once those go, the browser gets through again.
    for (const auto &client : clients)
        client->close();
    for (const auto &client : clients)
        QVERIFY(client->closedByPeer());
    QTest::qWait(100); // the receiver's side of them goes on its next turns of the event loop
    expectRealCallback(receiver);
}

void TestLoopbackReceiver::pipelinedRequestGetsNoAnswer()
{
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.expect("s-1", "", 5000);
    QSignalSpy finished(&receiver, &LoopbackReceiver::finished);
    QTest::ignoreMessage(QtWarningMsg,
                         "rejected: unknown path or method GET /favicon.ico (parameters: ) from 127.0.0.1 -> 404");
    RawClient client(receiver.port());
    QVERIFY(client.connected());
    client.send("GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                "GET /callback?code=c&state=s-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QVERIFY(client.closedByPeer());
    QCOMPARE(client.status(), 404);
    QCOMPARE(client.received().count("HTTP/1.1 "), 1);
    QCOMPARE(finished.size(), 0);
    QVERIFY(receiver.isListening());
}

void TestLoopbackReceiver::newExpectationReplacesOldState()
{
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.expect("first", "", 5000);
    receiver.expect("second", "", 5000);
    HttpRobot http;
    QCOMPARE(http.get(QUrl(receiver.redirectUri() + "?code=c&state=first")).status, 400);
    QCOMPARE(http.get(QUrl(receiver.redirectUri() + "?code=c&state=second")).status, 200);
}

void TestLoopbackReceiver::timeoutReleasesPort()
{
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.expect("s-1", "", 200);
    QSignalSpy finished(&receiver, &LoopbackReceiver::finished);
    QVERIFY(finished.wait(5000));
    QCOMPARE(receiver.error().code, Error::BrowserTimedOut);
    QVERIFY(!HttpRobot::acceptsConnections(receiver.port()));
}

void TestLoopbackReceiver::cancelReleasesPort()
{
    LoopbackReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.expect("s-1", "", 5000);
    QSignalSpy finished(&receiver, &LoopbackReceiver::finished);
    receiver.cancel();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(receiver.error().code, Error::Cancelled);
    QVERIFY(!HttpRobot::acceptsConnections(receiver.port()));
}

QTEST_GUILESS_MAIN(TestLoopbackReceiver)
#include "TestLoopbackReceiver.moc"
