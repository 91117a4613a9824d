#include "FakeUpstream.h"

#include "FormData.h"
#include "JwkSet.h"
#include "Jws.h"
#include "Pkce.h"
#include "Reply.h"
#include "SecureRandom.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTimer>
#include <QUrlQuery>

namespace {

using Method = QHttpServerRequest::Method;

// Generated once per test process: RSA key generation is slow.
struct Keys
{
    Jwk rsa = Jwk::generate(Jwk::Type::Rsa);      // published, announced (RS256)
    Jwk ec = Jwk::generate(Jwk::Type::EcP256);    // published, not announced
    Jwk stranger = Jwk::generate(Jwk::Type::Rsa); // never published
    Jwk rotated = Jwk::generate(Jwk::Type::Rsa);  // published once rotated in
};

const Keys &keys()
{
    static const Keys k = [] {
        Keys made;
        made.rsa.setKid(QStringLiteral("fake-rsa"));
        made.ec.setKid(QStringLiteral("fake-ec"));
        made.stranger.setKid(QStringLiteral("fake-stranger"));
        made.rotated.setKid(QStringLiteral("fake-rotated"));
        return made;
    }();
    return k;
}

} // namespace

FakeUpstream::FakeUpstream(QObject *parent)
    : QObject(parent)
{
    addRoutes();
}

bool FakeUpstream::start(QString *error)
{
    const auto port = m_http.listenOn(QHostAddress::LocalHost, 0);
    if (!port && error)
        *error = port.error().description;
    m_port = port.value_or(0);
    m_issuer = QStringLiteral("http://127.0.0.1:%1").arg(m_port);
    return m_port != 0;
}

void FakeUpstream::addRoutes()
{
    m_http.route(QStringLiteral("/.well-known/openid-configuration"), Method::Get, [this](const QHttpServerRequest &) {
        // Announces RS256 only, so an ID token signed ES256 (with a key its
        // JWKS does publish) uses an algorithm it never announced.
        const QJsonArray algorithms{QStringLiteral("RS256")};
        const QString issuer = m_fault == Fault::ForgedLogLine ? m_issuer + QLatin1String(ForgedLogLine) : m_issuer;
        QJsonObject discovery{{QStringLiteral("issuer"), issuer},
                              {QStringLiteral("authorization_endpoint"),
                               QString(m_issuer + QStringLiteral("/authorize"))},
                              {QStringLiteral("token_endpoint"), QString(m_issuer + QStringLiteral("/token"))},
                              {QStringLiteral("userinfo_endpoint"), QString(m_issuer + QStringLiteral("/userinfo"))},
                              {QStringLiteral("jwks_uri"), QString(m_issuer + QStringLiteral("/jwks"))},
                              {QStringLiteral("id_token_signing_alg_values_supported"), algorithms}};
        if (!m_promptValues.isEmpty())
            discovery.insert(QStringLiteral("prompt_values_supported"), QJsonArray::fromStringList(m_promptValues));
        return Reply::json(discovery);
    });
    m_http.route(QStringLiteral("/jwks"), Method::Get, [this](const QHttpServerRequest &) {
        ++m_jwksFetches;
        JwkSet set({keys().rsa.publicKey(), keys().ec.publicKey()});
        if (m_fault == Fault::RotatedKey)
            set.add(keys().rotated.publicKey());
        return Reply::json(set.toJson());
    });
    m_http.route(QStringLiteral("/authorize"), Method::Get,
                 [this](const QHttpServerRequest &request) { return authorize(request); });
    m_http.routeDeferred(QStringLiteral("/token"), Method::Post,
                         [this](const QHttpServerRequest &request, HttpServer::Responder respond) {
                             QHttpServerResponse answer = token(request);
                             if (m_fault != Fault::StallToken) {
                                 respond(std::move(answer));
                                 return;
                             }
                             auto held = std::make_shared<QHttpServerResponse>(std::move(answer));
                             QTimer::singleShot(m_stallMs, this,
                                                [respond, held]() mutable { respond(std::move(*held)); });
                         });
    m_http.route(QStringLiteral("/userinfo"), Method::Get, [this](const QHttpServerRequest &) {
        return Reply::json({{QStringLiteral("sub"), m_subject},
                            {QStringLiteral("email"), QString(m_subject + QStringLiteral("@fake.example"))},
                            {QStringLiteral("email_verified"), true},
                            {QStringLiteral("name"), QStringLiteral("Fake Person")}});
    });
}

QHttpServerResponse FakeUpstream::authorize(const QHttpServerRequest &request)
{
    const QUrlQuery query(request.url());
    m_lastAuthorization = query;
    auto param = [&query](const char *name) { return query.queryItemValue(QLatin1String(name), QUrl::FullyDecoded); };
    QUrl back(param("redirect_uri"));
    QUrlQuery answer;
    if (m_fault == Fault::AuthorizeError) {
        answer.addQueryItem(QStringLiteral("error"), QStringLiteral("invalid_scope"));
        // Form-encoded, as node-oidc-provider and most providers answer: '+' for a space.
        answer.addQueryItem(QStringLiteral("error_description"), QStringLiteral("The+scope+bogus+is+unknown"));
    } else {
        const QString code = QString::fromLatin1(SecureRandom::token(16));
        m_grants.insert(code, {param("redirect_uri"), param("nonce"), param("code_challenge").toLatin1()});
        answer.addQueryItem(QStringLiteral("code"), code);
    }
    answer.addQueryItem(QStringLiteral("state"), QString::fromLatin1(QUrl::toPercentEncoding(param("state"))));
    back.setQuery(answer.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return Reply::redirect(back);
}

QHttpServerResponse FakeUpstream::refuse(const QString &error, const QString &why)
{
    m_lastRefusal = why;
    return Reply::error(ServerError(error.toLatin1(), why, 400));
}

QHttpServerResponse FakeUpstream::token(const QHttpServerRequest &request)
{
    ++m_tokenRequests;
    m_lastRefusal.clear();
    QString duplicate;
    const auto form = FormData::parse(request.body(), &duplicate);
    if (!form)
        return refuse(QStringLiteral("invalid_request"), QStringLiteral("not a form"));
    QString clientId = form->value(QStringLiteral("client_id"));
    QString secret = form->value(QStringLiteral("client_secret"));
    const QByteArray authorization = request.value(QByteArrayLiteral("Authorization"));
    if (authorization.startsWith("Basic ")) {
        const QByteArray pair = QByteArray::fromBase64(authorization.mid(6));
        const qsizetype colon = pair.indexOf(':');
        clientId = QUrl::fromPercentEncoding(pair.left(colon));
        secret = QUrl::fromPercentEncoding(pair.mid(colon + 1));
    }
    if (clientId != QLatin1String(ClientId) || secret != QLatin1String(ClientSecret))
        return refuse(QStringLiteral("invalid_client"), QStringLiteral("client authentication failed"));
    const Grant grant = m_grants.take(form->value(QStringLiteral("code")));
    if (grant.redirectUri.isEmpty() || grant.redirectUri != form->value(QStringLiteral("redirect_uri")))
        return refuse(QStringLiteral("invalid_grant"), QStringLiteral("unknown code or redirect_uri"));
    if (!Pkce::matches(form->value(QStringLiteral("code_verifier")).toLatin1(), grant.challenge))
        return refuse(QStringLiteral("invalid_grant"), QStringLiteral("PKCE verifier does not match"));
    return Reply::json({{QStringLiteral("access_token"), QString::fromLatin1(SecureRandom::token(16))},
                        {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                        {QStringLiteral("expires_in"), 300},
                        {QStringLiteral("id_token"), QString::fromLatin1(idToken(grant))}});
}

QByteArray FakeUpstream::idToken(const Grant &grant) const
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const bool expired = m_fault == Fault::Expired;
    QJsonObject claims{{QStringLiteral("iss"),
                        m_fault == Fault::WrongIssuer ? QStringLiteral("http://127.0.0.1:1") : m_issuer},
                       {QStringLiteral("aud"),
                        m_fault == Fault::WrongAudience ? QStringLiteral("another-client")
                                                        : QString::fromLatin1(ClientId)},
                       {QStringLiteral("sub"), m_subject},
                       {QStringLiteral("nonce"),
                        m_fault == Fault::WrongNonce ? QStringLiteral("not-the-nonce-sent") : grant.nonce},
                       {QStringLiteral("iat"), expired ? now - 3600 : now},
                       {QStringLiteral("exp"), expired ? now - 600 : now + 300},
                       {QStringLiteral("email"), QString(m_subject + QStringLiteral("@fake.example"))},
                       {QStringLiteral("email_verified"), true},
                       {QStringLiteral("name"), QStringLiteral("Fake Person")}};
    if (!m_authTime.isUndefined())
        claims.insert(QStringLiteral("auth_time"), m_authTime);
    const QJsonObject header{{QStringLiteral("typ"), QStringLiteral("JWT")}};
    switch (m_fault) {
    case Fault::UnknownKey:
        return Jws::sign(header, claims, keys().stranger);
    case Fault::RotatedKey:
        return Jws::sign(header, claims, keys().rotated);
    case Fault::UnlistedAlgorithm:
        return Jws::sign(header, claims, keys().ec);
    case Fault::BadSignature: {
        QByteArray token = Jws::sign(header, claims, keys().rsa);
        const qsizetype middle = token.lastIndexOf('.') + 20;
        token[middle] = token.at(middle) == 'A' ? 'B' : 'A';
        return token;
    }
    default:
        return Jws::sign(header, claims, keys().rsa);
    }
}
