#include "SignInFlow.h"

#include "Clock.h"
#include "FormData.h"
#include "PageRenderer.h"
#include "Reply.h"
#include "SecureRandom.h"
#include "TokenIssuer.h"
#include "TokenStore.h"

namespace {
constexpr int MaxPending = 10000;
}

SignInFlow::SignInFlow(const Clock &clock, TokenStore &tokens, const TokenIssuer &issuer, int maxPerAddress)
    : m_clock(clock)
    , m_tokens(tokens)
    , m_issuer(issuer)
    , m_maxPerAddress(maxPerAddress)
{
}

QString SignInFlow::add(const Pending &pending)
{
    const qint64 now = m_clock.now();
    m_pending.removeIf([now](const auto &it) { return it.value().createdAt + Lifetime < now; });
    m_byUpstreamState.removeIf([this](const auto &it) { return !m_pending.contains(it.value()); });
    evictOldestOf(pending.clientAddress);
    if (m_pending.size() >= MaxPending)
        return {};
    const QString id = QString::fromLatin1(SecureRandom::token(16));
    auto it = m_pending.insert(id, pending);
    it->sequence = ++m_nextSequence;
    if (!pending.upstream.state.isEmpty())
        m_byUpstreamState.insert(pending.upstream.state, id);
    return id;
}

void SignInFlow::evictOldestOf(const QString &address)
{
    int count = 0;
    auto oldest = m_pending.end();
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        if (it->clientAddress != address)
            continue;
        ++count;
        if (oldest == m_pending.end() || it->sequence < oldest->sequence)
            oldest = it;
    }
    if (count >= m_maxPerAddress)
        m_pending.erase(oldest);
}

SignInFlow::Pending *SignInFlow::find(const QString &requestId)
{
    const auto it = m_pending.find(requestId);
    if (it == m_pending.end() || it->createdAt + Lifetime < m_clock.now())
        return nullptr;
    return &*it;
}

void SignInFlow::attachUpstream(const QString &requestId, const QString &providerId, const UpstreamAttempt &attempt,
                                const QByteArray &browserBinding)
{
    Pending *p = find(requestId);
    m_byUpstreamState.remove(p->upstream.state);
    p->providerId = providerId;
    p->upstream = attempt;
    p->browserBinding = browserBinding;
    m_byUpstreamState.insert(attempt.state, requestId);
}

QString SignInFlow::findByUpstreamState(const QString &state) const
{
    return state.isEmpty() ? QString() : m_byUpstreamState.value(state);
}

QHttpServerResponse SignInFlow::complete(const QString &requestId, const UpstreamProfile &profile)
{
    Pending &p = *find(requestId);
    p.finished = true;
    const AuthorizationGrant grant{p.clientId, p.redirectUri, p.codeChallenge, p.nonce, p.scope,
                                   profile.identity, profile.email, profile.emailVerified && !profile.email.isEmpty(),
                                   profile.name, profile.upstreamUsername, m_clock.now(), p.fault};
    const QByteArray code = m_tokens.createCode(grant);
    if (code.isEmpty()) // RFC 6749 4.1.2.1: the app says so and can start again
        return redirectError(p.redirectUri, p.state, QStringLiteral("temporarily_unavailable"),
                             QStringLiteral("The sign-in could not be saved; try again."));
    return Reply::redirect(redirectUrl(p.redirectUri, {{QStringLiteral("code"), QString::fromLatin1(code)},
                                                       {QStringLiteral("state"), p.state},
                                                       {QStringLiteral("iss"), m_issuer.issuer()}}));
}

QHttpServerResponse SignInFlow::fail(const QString &requestId, const QString &error, const QString &description)
{
    Pending &p = *find(requestId);
    p.finished = true;
    return redirectError(p.redirectUri, p.state, error, description);
}

QHttpServerResponse SignInFlow::redirectError(const QString &redirectUri, const QString &state, const QString &error,
                                              const QString &description) const
{
    QList<std::pair<QString, QString>> fields{{QStringLiteral("error"), error},
                                              {QStringLiteral("error_description"), description}};
    if (!state.isEmpty())
        fields.append({QStringLiteral("state"), state});
    fields.append({QStringLiteral("iss"), m_issuer.issuer()});
    return Reply::redirect(redirectUrl(redirectUri, fields));
}

QUrl SignInFlow::returnTo(const QString &requestId)
{
    const Pending *pending = find(requestId);
    return pending ? QUrl(pending->redirectUri) : QUrl();
}

QHttpServerResponse SignInFlow::expired()
{
    return errorPage(QStringLiteral("This sign-in has expired"),
                     QStringLiteral("Sign-in pages are valid for 10 minutes and for one use. "
                                    "Return to the app and sign in again."));
}

QHttpServerResponse SignInFlow::errorPage(const QString &heading, const QString &message,
                                          QHttpServerResponse::StatusCode status)
{
    return Reply::html(PageRenderer::page(QStringLiteral("error"), heading,
                                          {{QStringLiteral("heading"), heading}, {QStringLiteral("message"), message}}),
                       status);
}

QUrl SignInFlow::redirectUrl(const QString &redirectUri, const QList<std::pair<QString, QString>> &fields) const
{
    QUrl url(redirectUri);
    url.setQuery(QString::fromLatin1(FormData::encode(fields)), QUrl::StrictMode);
    return url;
}
