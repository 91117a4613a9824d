#include "SignInRobot.h"

#include "FormData.h"
#include "Pkce.h"
#include "Protocol.h"
#include "SecureRandom.h"
#include "ServerConfig.h"

#include <QRegularExpression>
#include <QTcpServer>

SignInRobot::SignInRobot(const QString &issuer, HttpRobot &http)
    : m_issuer(issuer)
    , m_http(http)
{
    m_loopback.route(QStringLiteral("/callback"), [this](const QHttpServerRequest &request) {
        m_lastCallback = request.query();
        return QStringLiteral("You can return to the app.");
    });
    auto *tcp = new QTcpServer(&m_loopback);
    if (tcp->listen(QHostAddress::LocalHost, 0)) {
        m_loopback.bind(tcp);
        m_loopbackPort = tcp->serverPort();
    }
}

AuthorizationRequest SignInRobot::newRequest() const
{
    return {QString::fromLatin1(SecureRandom::token(16)), QString::fromLatin1(SecureRandom::token(16)),
            Pkce::generateVerifier(), QStringLiteral("http://127.0.0.1:%1/callback").arg(m_loopbackPort),
            QLatin1String(Protocol::DefaultScope)};
}

QUrl SignInRobot::authorizeUrl(const AuthorizationRequest &r, const FieldList &replace, const QStringList &omit) const
{
    FieldList fields{{QStringLiteral("response_type"), QStringLiteral("code")},
                     {QStringLiteral("client_id"), QLatin1String(Protocol::DefaultClientId)},
                     {QStringLiteral("redirect_uri"), r.redirectUri},
                     {QStringLiteral("scope"), r.scope},
                     {QStringLiteral("state"), r.state},
                     {QStringLiteral("nonce"), r.nonce},
                     {QStringLiteral("code_challenge"), QString::fromLatin1(Pkce::challengeFor(r.verifier))},
                     {QStringLiteral("code_challenge_method"), QStringLiteral("S256")}};
    for (auto &field : fields) {
        for (const auto &[name, value] : replace) {
            if (field.first == name)
                field.second = value;
        }
    }
    // Not a structured binding: clang 14 (the sanitizer build) cannot capture one in a lambda.
    for (const auto &extra : replace) {
        if (std::none_of(fields.cbegin(), fields.cend(), [&](const auto &f) { return f.first == extra.first; }))
            fields.append(extra);
    }
    fields.removeIf([&omit](const auto &field) { return omit.contains(field.first); });
    QUrl target = url(QStringLiteral("/authorize"));
    target.setQuery(QString::fromLatin1(FormData::encode(fields)), QUrl::StrictMode);
    return target;
}

QString SignInRobot::openSignInPage(const AuthorizationRequest &request)
{
    const HttpResult page = m_http.get(authorizeUrl(request));
    static const QRegularExpression requestField(QStringLiteral("name=\"request\" value=\"([^\"]+)\""));
    return requestField.match(QString::fromUtf8(page.body)).captured(1);
}

QUrlQuery SignInRobot::followToLoopback(const HttpResult &providerAnswer)
{
    m_lastCallback.clear();
    HttpResult hop = providerAnswer;
    // The provider page's answer, then the broker's callback, then the app.
    for (int hops = 0; hops < 4 && hop.status == 302; ++hops)
        hop = m_http.get(hop.location());
    if (hop.status != 200)
        return {};
    return m_lastCallback;
}

QUrl SignInRobot::openProviderPage(const QString &requestId, const QString &provider)
{
    QUrl signIn = url(QStringLiteral("/signin/") + provider);
    signIn.setQuery(QStringLiteral("request=") + requestId);
    const HttpResult begun = m_http.get(signIn);
    if (begun.status != 302 || !begun.location().path().startsWith(QLatin1String("/qa/signin/")))
        return {};
    return begun.location();
}

QUrlQuery SignInRobot::submitProviderPage(const QUrl &page, const FieldList &fields)
{
    FieldList all{
        {QStringLiteral("state"), QUrlQuery(page).queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded)}};
    all += fields;
    return followToLoopback(m_http.postForm(page.adjusted(QUrl::RemoveQuery), all));
}

QUrlQuery SignInRobot::throughProvider(const AuthorizationRequest &request, const QString &provider,
                                       const FieldList &fields)
{
    const QUrl page = openProviderPage(openSignInPage(request), provider);
    if (page.isEmpty()) {
        m_lastCallback.clear();
        return {};
    }
    return submitProviderPage(page, fields);
}

QUrlQuery SignInRobot::signInWithPersona(const AuthorizationRequest &request, const QString &provider,
                                         const QString &persona)
{
    return throughProvider(request, provider, {{QStringLiteral("persona"), persona}});
}

QUrlQuery SignInRobot::signInWithPersona(const AuthorizationRequest &request, const QString &provider,
                                         const QString &persona, const FieldList &extra)
{
    FieldList fields{{QStringLiteral("persona"), persona}};
    fields += extra;
    return throughProvider(request, provider, fields);
}

QUrlQuery SignInRobot::signInAs(const AuthorizationRequest &request, const QString &provider, const QString &userId,
                                const QString &email, bool verified, const QString &name)
{
    FieldList fields{{QStringLiteral("provider_user_id"), userId},
                     {QStringLiteral("email"), email},
                     {QStringLiteral("name"), name},
                     {QStringLiteral("action"), QStringLiteral("continue")}};
    if (verified)
        fields.append({QStringLiteral("email_verified"), QStringLiteral("true")});
    return throughProvider(request, provider, fields);
}

QUrlQuery SignInRobot::cancelAt(const AuthorizationRequest &request, const QString &provider)
{
    return throughProvider(request, provider, {{QStringLiteral("action"), QStringLiteral("cancel")}});
}

HttpResult SignInRobot::exchangeCode(const AuthorizationRequest &request, const QString &code)
{
    return m_http.postForm(url(QStringLiteral("/token")),
                           {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                            {QStringLiteral("code"), code},
                            {QStringLiteral("redirect_uri"), request.redirectUri},
                            {QStringLiteral("client_id"), QLatin1String(Protocol::DefaultClientId)},
                            {QStringLiteral("code_verifier"), QString::fromLatin1(request.verifier)}});
}

HttpResult SignInRobot::refresh(const QString &refreshToken)
{
    return m_http.postForm(url(QStringLiteral("/token")),
                           {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                            {QStringLiteral("refresh_token"), refreshToken},
                            {QStringLiteral("client_id"), QLatin1String(Protocol::DefaultClientId)}});
}

HttpResult SignInRobot::onboard(const QString &onboardingToken, const QByteArray &verifier, const QString &username,
                                const QString &idempotencyKey, const QJsonObject &extra)
{
    QJsonObject body{{QStringLiteral("onboarding_token"), onboardingToken},
                     {QStringLiteral("code_verifier"), QString::fromLatin1(verifier)},
                     {QStringLiteral("client_id"), QLatin1String(Protocol::DefaultClientId)},
                     {QStringLiteral("username"), username},
                     {QStringLiteral("accepted_terms"), termsVersion()}};
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        if (it.value().isNull())
            body.remove(it.key());
        else
            body.insert(it.key(), it.value());
    }
    return m_http.postJson(url(QStringLiteral("/api/account/onboard")), body,
                           {{"Idempotency-Key", idempotencyKey.toUtf8()}});
}

HttpResult SignInRobot::usernameCheck(const QString &onboardingToken, const QString &username)
{
    QUrl target = url(QStringLiteral("/api/account/username-check"));
    target.setQuery(QStringLiteral("username=") + QString::fromLatin1(QUrl::toPercentEncoding(username)));
    return m_http.get(target, {{"Authorization", "Bearer " + onboardingToken.toLatin1()}});
}

QString SignInRobot::onboardingTokenFor(const AuthorizationRequest &request, const QString &provider,
                                        const QString &userId, const QString &email, bool verified, const QString &name)
{
    const QUrlQuery callback = signInAs(request, provider, userId, email, verified, name);
    const HttpResult token = exchangeCode(request, callback.queryItemValue(QStringLiteral("code")));
    return token.json().value(QStringLiteral("onboarding_token")).toString();
}

QString SignInRobot::termsVersion() const
{
    return ServerConfig().termsVersion;
}
