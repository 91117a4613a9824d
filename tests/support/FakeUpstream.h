#pragma once

#include "HttpServer.h"
#include "Jwk.h"

#include <QHash>
#include <QJsonValue>
#include <QObject>
#include <QString>
#include <QUrlQuery>

// A small OpenID Provider for the failures a real one will not produce on
// request: an ID token with the wrong nonce, audience or issuer, expired, with
// a bad signature, an unknown key or an algorithm it does not announce, an
// error from its authorization endpoint, or no answer in time. Built on the
// server's own HttpServer and JOSE code; 127.0.0.1, a port the OS picks.
// Its authorization endpoint asks nobody: it redirects straight back with a
// code (or the configured error). The token endpoint checks client
// authentication (basic or post), redirect_uri and PKCE like a real one.
class FakeUpstream : public QObject
{
    Q_OBJECT
public:
    enum class Fault {
        None,
        AuthorizeError, // error=invalid_scope from the authorization endpoint
        WrongNonce,
        WrongAudience,
        WrongIssuer,
        Expired,
        BadSignature,
        UnknownKey,        // signed with a key the JWKS never publishes
        RotatedKey,        // signed with a key the JWKS publishes from now on
        UnlistedAlgorithm, // ES256 while discovery announces only RS256
        StallToken,        // the token endpoint answers after stallMs
        ForgedLogLine,     // discovery names an issuer with ForgedLogLine appended
    };
    Q_ENUM(Fault)

    static constexpr const char *ClientId = "broker-at-fake";
    static constexpr const char *ClientSecret = "fake-upstream-secret-0123456789abcdef";
    // A line break and what the server's log line of a request looks like.
    static constexpr const char *ForgedLogLine
        = "\n2026-12-07T00:00:00.000Z info latchkey.request: GET /admin 200 0.10ms";

    explicit FakeUpstream(QObject *parent = nullptr);

    bool start(QString *error = nullptr);
    QString issuer() const { return m_issuer; }
    quint16 port() const { return m_port; }

    void setFault(Fault fault) { m_fault = fault; }
    void setStallMs(int ms) { m_stallMs = ms; }
    // The person the fake signs in.
    void setSubject(const QString &sub) { m_subject = sub; }
    // The ID token's auth_time as given (a number, or anything else to see it
    // ignored); undefined: none.
    void setAuthTime(const QJsonValue &authTime) { m_authTime = authTime; }
    // Discovery's prompt_values_supported; empty (the default): not published.
    void setPromptValues(const QStringList &values) { m_promptValues = values; }
    // The query of the last request to its authorization endpoint, as it came.
    QUrlQuery lastAuthorization() const { return m_lastAuthorization; }
    int jwksFetches() const { return m_jwksFetches; }
    int tokenRequests() const { return m_tokenRequests; }
    // Why the last token request was refused; empty when none was.
    QString lastTokenRefusal() const { return m_lastRefusal; }

private:
    struct Grant
    {
        QString redirectUri;
        QString nonce;
        QByteArray challenge;
    };

    void addRoutes();
    QHttpServerResponse authorize(const QHttpServerRequest &request);
    QHttpServerResponse token(const QHttpServerRequest &request);
    QHttpServerResponse refuse(const QString &error, const QString &why);
    QByteArray idToken(const Grant &grant) const;

    HttpServer m_http;
    QString m_issuer;
    quint16 m_port = 0;
    Fault m_fault = Fault::None;
    int m_stallMs = 0;
    QString m_subject = QStringLiteral("fake-user-1");
    QJsonValue m_authTime = QJsonValue::Undefined;
    QUrlQuery m_lastAuthorization;
    QHash<QString, Grant> m_grants;
    int m_jwksFetches = 0;
    int m_tokenRequests = 0;
    QString m_lastRefusal;
    QStringList m_promptValues;
};
