#include "SimulatedSignInEndpoint.h"

#include "ErrorCodes.h"
#include "FormData.h"
#include "HttpServer.h"
#include "PageRenderer.h"
#include "ProviderDirectory.h"
#include "QaFaults.h"
#include "Reply.h"
#include "ServerContext.h"
#include "SignInFlow.h"
#include "SimulatedConnector.h"
#include "SimulatedProviders.h"

#include <QUrlQuery>

namespace {

using Method = QHttpServerRequest::Method;
using Fields = QHash<QString, QString>;
constexpr int MaxFieldLength = 255;

std::optional<QString> checkTypedProfile(const UpstreamProfile &p)
{
    if (p.identity.providerUserId.trimmed().isEmpty())
        return QStringLiteral("Enter the user id at the provider.");
    if (p.identity.providerUserId.size() > MaxFieldLength || p.name.size() > 200 || p.email.size() > 254)
        return QStringLiteral("A field is too long.");
    if (!p.email.isEmpty() && (!p.email.contains(u'@') || p.email.startsWith(u'@') || p.email.endsWith(u'@')))
        return QStringLiteral("The email address is not valid.");
    return std::nullopt;
}

QString faultOption(const QString &key, const QString &label, const QString &selected)
{
    const QString selectedAttribute = key == selected ? QStringLiteral("selected") : QString();
    return PageRenderer::fragment(QStringLiteral("fault-option"),
                                  {{QStringLiteral("key"), key},
                                   {QStringLiteral("label"), label},
                                   {QStringLiteral("selected"), selectedAttribute}});
}

// "No fault" first, so a tester who ignores the list gets a plain sign-in.
QString faultOptions(const QString &selected)
{
    QString html = faultOption({}, QStringLiteral("No fault"), selected);
    for (const auto &fault : QaFaults::all())
        html += faultOption(fault.key, fault.label, selected);
    return html;
}

QString personaList()
{
    QString html;
    for (const auto &persona : SimulatedProviders::personas()) {
        html += PageRenderer::fragment(QStringLiteral("persona"),
                                       {{QStringLiteral("key"), persona.key},
                                        {QStringLiteral("label"), persona.label},
                                        {QStringLiteral("description"), persona.description}});
    }
    return html;
}

// docs/qa.md "Linking": the one-click way through each ending of a link sign-in.
QString linkNote()
{
    return QStringLiteral("<p class=\"note\" role=\"note\"><strong>This sign-in confirms a link.</strong> "
                          "Sam links it to the account \"sam\" (at GitHub); Returning user is another account "
                          "(nothing is linked); New user belongs to no account; Cancel, or the QA fault "
                          "\"The provider cannot be reached\", ends it with nothing linked.</p>");
}

} // namespace

SimulatedSignInEndpoint::SimulatedSignInEndpoint(ServerContext &context)
    : m_context(context)
{
}

void SimulatedSignInEndpoint::registerRoutes(HttpServer &server)
{
    for (const auto &entry : m_context.providers.entries()) {
        const auto *connector = qobject_cast<const SimulatedConnector *>(entry.connector);
        if (!connector)
            continue;
        const QString path = SimulatedConnector::pagePath(entry.id);
        server.route(path, Method::Get, [this, connector](const QHttpServerRequest &r) { return page(r, *connector); });
        server.route(path, Method::Post,
                     [this, connector](const QHttpServerRequest &r) { return submit(r, *connector); });
    }
}

// Nullopt for a state that is no sign-in's (or another provider's); an
// error when the database could not be read.
Result<std::optional<SimulatedSignInEndpoint::Attempt>> SimulatedSignInEndpoint::attemptFor(const QString &state,
                                                                                            const QString &providerId)
{
    using Found = std::optional<Attempt>;
    if (state.isEmpty())
        return Found();
    const auto requestId = m_context.signIns.store().findByUpstreamState(state);
    if (!requestId)
        return requestId.error();
    const auto pending = m_context.signIns.store().find(*requestId);
    if (!pending)
        return pending.error();
    const auto &p = *pending;
    if (!p || p->finished || p->providerId != providerId)
        return Found();
    return Found(Attempt{*requestId, state, p->upstream.redirectUri, p->loginHint, !p->linkId.isEmpty()});
}

// A sign-in waiting while the database restarts must not read "expired".
QHttpServerResponse SimulatedSignInEndpoint::noAttempt(const Result<std::optional<Attempt>> &attempt)
{
    return attempt ? SignInFlow::expired() : SignInFlow::unavailablePage(attempt.error());
}

QHttpServerResponse SimulatedSignInEndpoint::page(const QHttpServerRequest &request, const SimulatedConnector &connector)
{
    const QString state = QUrlQuery(request.url()).queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
    const auto found = attemptFor(state, connector.settings().id);
    if (!found || !*found)
        return noAttempt(found);
    const Attempt &attempt = **found;
    UpstreamProfile typed;
    typed.email = attempt.loginHint.contains(u'@') ? attempt.loginHint : QString();
    return form(attempt, connector, typed, {});
}

QHttpServerResponse SimulatedSignInEndpoint::form(const Attempt &attempt, const SimulatedConnector &connector,
                                                  const UpstreamProfile &typed, const QString &message,
                                                  const QString &fault)
{
    const QString &name = connector.settings().name;
    const QString messageHtml = message.isEmpty()
        ? QString()
        : QStringLiteral("<p class=\"error\" role=\"alert\">%1</p>").arg(PageRenderer::escape(message));
    return Reply::html(PageRenderer::page(QStringLiteral("provider"), name,
                                          {{QStringLiteral("provider"), name},
                                           {QStringLiteral("action"),
                                            SimulatedConnector::pagePath(connector.settings().id)},
                                           {QStringLiteral("state"), attempt.state},
                                           {QStringLiteral("personas"), personaList()},
                                           {QStringLiteral("link_note"), attempt.linking ? linkNote() : QString()},
                                           {QStringLiteral("fault_options"), faultOptions(fault)},
                                           {QStringLiteral("message"), messageHtml},
                                           {QStringLiteral("provider_user_id"), typed.identity.providerUserId},
                                           {QStringLiteral("email"), typed.email},
                                           {QStringLiteral("name"), typed.name},
                                           {QStringLiteral("checked"),
                                            typed.emailVerified ? QStringLiteral("checked") : QString()}}),
                       message.isEmpty() ? Reply::Status::Ok : Reply::Status::BadRequest,
                       m_context.signIns.returnTo(attempt.requestId));
}

QHttpServerResponse SimulatedSignInEndpoint::submit(const QHttpServerRequest &request,
                                                    const SimulatedConnector &connector)
{
    QString duplicate;
    const Fields f = FormData::parse(request.body(), &duplicate).value_or(Fields());
    const QString id = connector.settings().id;
    const auto found = attemptFor(f.value(QStringLiteral("state")), id);
    if (!found || !*found)
        return noAttempt(found);
    const auto &attempt = *found;
    if (f.value(QStringLiteral("action")) == QLatin1String("cancel"))
        return toCallback(*attempt, {{QStringLiteral("error"), QLatin1String(ErrorCode::AccessDenied)}});
    const QString fault = f.value(QStringLiteral("fault"));
    if (!fault.isEmpty() && !QaFaults::isKnown(fault))
        return form(*attempt, connector, {}, QStringLiteral("That QA fault does not exist."));
    UpstreamProfile profile{{id, f.value(QStringLiteral("provider_user_id")).trimmed(), {}},
                            f.value(QStringLiteral("email")).trimmed(),
                            f.value(QStringLiteral("email_verified")) == QLatin1String("true"),
                            f.value(QStringLiteral("name")).simplified(),
                            {},
                            {},
                            {}};
    if (f.contains(QStringLiteral("persona"))) {
        const auto persona = SimulatedProviders::personaProfile(id, f.value(QStringLiteral("persona")));
        if (!persona)
            return form(*attempt, connector, {}, QStringLiteral("That test persona does not exist."));
        profile = *persona;
    } else if (const auto problem = checkTypedProfile(profile)) {
        return form(*attempt, connector, profile, *problem, fault);
    }
    profile.qaFault = fault;
    return toCallback(*attempt, {{QStringLiteral("code"), connector.issueCode(profile, attempt->state)}});
}

QHttpServerResponse SimulatedSignInEndpoint::toCallback(const Attempt &attempt,
                                                        const QList<std::pair<QString, QString>> &fields)
{
    QUrl url(attempt.callback);
    QUrlQuery query;
    for (const auto &[name, value] : fields)
        query.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    query.addQueryItem(QStringLiteral("state"), QString::fromLatin1(QUrl::toPercentEncoding(attempt.state)));
    url.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return Reply::redirect(url);
}
