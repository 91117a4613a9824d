#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>

// The one error type of the client core: every job, the keychain, the
// loopback receiver, the token checks and SessionManager hand this value up.
// It holds a code and facts, never a sentence: the UI turns the code into
// words (ErrorMessages), and whatever a server said stays a detail beneath.
class ClientError
{
    Q_GADGET
public:
    enum class Code {
        None,
        // Network calls
        Cancelled,
        Network, // no connection, refused, DNS; detail: Qt's reason
        Timeout,
        ServerFailure,    // HTTP 5xx
        InvalidResponse,  // not what the protocol promises; detail says how
        ResponseTooLarge, // more than NetworkJob::MaxBodyBytes
        ServerRefused,    // an OAuth error answer; serverError says which
        RateLimited,      // retryAfter
        RequestNotMade,
        // TLS: the server's certificate (host: the server; certificateChain,
        // sslErrors: what the handshake saw)
        CertificateUntrusted,    // no chain to a CA this computer trusts
        CertificateNameMismatch, // issued for another name
        CertificateExpired,      // expired, or not yet valid
        // A proxy between here and the server (proxy: its host:port)
        ProxyRefused,                // nothing listens there
        ProxyAuthenticationRequired, // 407: no credentials, or wrong ones
        ProxyUnreachable,            // not found, or no answer in time
        // The server and its discovery document
        NotAServerAddress,
        InsecureIssuer,    // plain http to another computer
        NotOpenIdProvider, // the discovery document is not JSON
        IssuerMismatch,    // the document names another issuer
        Unsupported,       // the provider lacks something Latchkey needs; detail says what
        NoSigningKey,
        // Signing in
        CouldNotListen,    // no loopback port
        DeviceCodeExpired, // the device sign-in was not finished in time (RFC 8628)
        BrowserTimedOut,
        AccessDenied,           // cancelled at the provider
        AuthorizationRejected,  // any other error redirect; serverError says which
        CallbackIssuerMismatch, // RFC 9207: the redirect names another issuer
        NoAuthorizationCode,
        NoIdToken,
        InvalidIdToken, // detail: the validator's finding
        InvalidOnboardingToken,
        OnboardingUnsupported,
        // A link sign-in (PROTOCOL.md 6.5) ended with nothing linked; body's
        // "link_error" says why (cancelled, other_account, no_account,
        // expired, unavailable, or a value this version does not know).
        LinkNotMade,
        SessionEnded, // the refresh token is no longer valid
        // The keychain
        KeychainNotFound,
        KeychainUnavailable,
        KeychainLocked,
        KeychainDenied,
        KeychainTimedOut,
        KeychainCorrupt,
        // The reference server of --with-reference-server
        BundledServerMissing,
        BundledServerNotStarted, // detail: the system's reason
        BundledServerExited,     // detail: the exit code
        BundledServerTimedOut,
    };
    Q_ENUM(Code)

    Code code = Code::None;
    // Facts for the Details line and the diagnostics report: plain text,
    // never the sentence, never a secret.
    QString detail;
    QString serverError;       // the protocol's error name, e.g. "invalid_grant"
    QString serverDescription; // the server's error_description, bounded, one line
    QString host;              // the server concerned, when there is one
    QString proxy;             // the proxy concerned, "host:port", when there is one
    // After a TLS failure: each certificate's subject and issuer, server's
    // first, and the handshake's findings, for the diagnostics report.
    QStringList certificateChain;
    QStringList sslErrors;
    int httpStatus = 0;
    QJsonObject body;   // the error answer, for fields such as "suggestions"
    int retryAfter = 0; // seconds, when rate limited
    QDateTime time = QDateTime::currentDateTimeUtc();

    bool ok() const { return code == Code::None; }
    // The code's name, e.g. "KeychainLocked", for logs and reports.
    QString codeName() const;

    static ClientError make(Code code, const QString &detail = {});
    // From an HTTP error answer with a PROTOCOL.md / RFC 6749 JSON body.
    static ClientError fromHttp(int status, const QByteArray &body, const QByteArray &retryAfter);
    // A server's description is text from the network: one line, bounded.
    static QString boundedDescription(const QString &description);
};
