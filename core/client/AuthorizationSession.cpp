#include "AuthorizationSession.h"

#include "Pkce.h"
#include "SecureRandom.h"

#include <QUrlQuery>

namespace {
constexpr int StateBytes = 16; // 128 bits, the minimum PROTOCOL.md asks for
constexpr int NonceBytes = 16;

QString encoded(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

const QString OfflineAccess = QStringLiteral("offline_access");
const QString Consent = QStringLiteral("consent");
} // namespace

QString AuthorizationSession::scopeFor(const ProviderMetadata &provider, const QString &scope)
{
    QStringList scopes = scope.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    // An unlisted scope may be refused outright (invalid_scope).
    if (!provider.scopesSupported.contains(OfflineAccess))
        scopes.removeAll(OfflineAccess);
    return scopes.join(QLatin1Char(' '));
}

bool AuthorizationSession::asksConsent(const ProviderMetadata &provider, const QString &scope)
{
    // OIDC Core 11: offline_access needs prompt=consent, unless the provider
    // grants it otherwise; one that lists its prompts without consent does
    // (and would refuse the parameter).
    const bool promptAllowed = provider.promptValuesSupported.isEmpty()
        || provider.promptValuesSupported.contains(Consent);
    return promptAllowed && scopeFor(provider, scope).split(QLatin1Char(' ')).contains(OfflineAccess);
}

AuthorizationSession AuthorizationSession::create(const QString &redirectUri)
{
    AuthorizationSession session;
    session.verifier = Pkce::generateVerifier();
    session.challenge = Pkce::challengeFor(session.verifier);
    session.state = QString::fromLatin1(SecureRandom::token(StateBytes));
    session.nonce = QString::fromLatin1(SecureRandom::token(NonceBytes));
    session.redirectUri = redirectUri;
    return session;
}

QUrl AuthorizationSession::url(const ProviderMetadata &provider, const QString &clientId, const QString &scope,
                               const Extras &extras) const
{
    QUrl url = provider.authorizationEndpoint;
    QUrlQuery query(url); // keep any query the provider's endpoint already has
    query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    query.addQueryItem(QStringLiteral("client_id"), encoded(clientId));
    query.addQueryItem(QStringLiteral("redirect_uri"), encoded(redirectUri));
    query.addQueryItem(QStringLiteral("scope"), encoded(scopeFor(provider, scope)));
    QStringList prompts;
    if (asksConsent(provider, scope))
        prompts.append(Consent);
    // Only where the provider lists it: a standard OP that does not (node-oidc-provider, say) may refuse
    // the whole request for a prompt value it does not know.
    if (!extras.prompt.isEmpty() && provider.promptValuesSupported.contains(extras.prompt))
        prompts.append(extras.prompt);
    if (!prompts.isEmpty())
        query.addQueryItem(QStringLiteral("prompt"), encoded(prompts.join(QLatin1Char(' '))));
    query.addQueryItem(QStringLiteral("state"), state);
    query.addQueryItem(QStringLiteral("nonce"), nonce);
    query.addQueryItem(QStringLiteral("code_challenge"), QString::fromLatin1(challenge));
    query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    if (!extras.loginHint.isEmpty())
        query.addQueryItem(QStringLiteral("login_hint"), encoded(extras.loginHint));
    if (!extras.upstreamProvider.isEmpty())
        query.addQueryItem(QStringLiteral("provider"), encoded(extras.upstreamProvider));
    if (!extras.linkId.isEmpty())
        query.addQueryItem(QStringLiteral("link_id"), encoded(extras.linkId));
    url.setQuery(query);
    return url;
}
