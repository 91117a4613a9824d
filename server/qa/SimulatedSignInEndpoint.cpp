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

} // namespace

SimulatedSignInEndpoint::SimulatedSignInEndpoint(ServerContext &context)
    : m_context(context)
{
}

void SimulatedSignInEndpoint::registerRoutes(HttpServer &server)
{
    for (const auto &provider : SimulatedProviders::providers()) {
        const auto *entry = m_context.providers.find(provider.id);
        if (!entry || entry->upstream)
            continue; // a real provider configured under this id replaces it
        const QString path = QStringLiteral("/signin/") + provider.id;
        server.route(path, Method::Get, [this, provider](const QHttpServerRequest &r) { return page(r, provider); });
        server.route(path, Method::Post, [this, provider](const QHttpServerRequest &r) { return submit(r, provider); });
    }
}

QHttpServerResponse SimulatedSignInEndpoint::page(const QHttpServerRequest &request,
                                                  const SimulatedProviders::Provider &provider)
{
    const QString requestId = QUrlQuery(request.url()).queryItemValue(QStringLiteral("request"), QUrl::FullyDecoded);
    const auto pending = m_context.signIns.find(requestId);
    if (!pending || pending->finished)
        return m_context.signIns.expiredOrUnavailable();
    UpstreamProfile typed;
    typed.email = pending->loginHint.contains(u'@') ? pending->loginHint : QString();
    return form(requestId, provider, typed, {});
}

QHttpServerResponse SimulatedSignInEndpoint::form(const QString &requestId, const SimulatedProviders::Provider &provider,
                                                  const UpstreamProfile &typed, const QString &message,
                                                  const QString &fault)
{
    QString personas;
    for (const auto &persona : SimulatedProviders::personas()) {
        personas += PageRenderer::fragment(QStringLiteral("persona"),
                                           {{QStringLiteral("key"), persona.key},
                                            {QStringLiteral("label"), persona.label},
                                            {QStringLiteral("description"), persona.description}});
    }
    const QString messageHtml = message.isEmpty()
        ? QString()
        : QStringLiteral("<p class=\"error\" role=\"alert\">%1</p>").arg(PageRenderer::escape(message));
    return Reply::html(PageRenderer::page(QStringLiteral("provider"), provider.name,
                                          {{QStringLiteral("provider"), provider.name},
                                           {QStringLiteral("provider_id"), provider.id},
                                           {QStringLiteral("request"), requestId},
                                           {QStringLiteral("personas"), personas},
                                           {QStringLiteral("fault_options"), faultOptions(fault)},
                                           {QStringLiteral("message"), messageHtml},
                                           {QStringLiteral("provider_user_id"), typed.identity.providerUserId},
                                           {QStringLiteral("email"), typed.email},
                                           {QStringLiteral("name"), typed.name},
                                           {QStringLiteral("checked"),
                                            typed.emailVerified ? QStringLiteral("checked") : QString()}}),
                       message.isEmpty() ? Reply::Status::Ok : Reply::Status::BadRequest,
                       m_context.signIns.returnTo(requestId));
}

QHttpServerResponse SimulatedSignInEndpoint::submit(const QHttpServerRequest &request,
                                                    const SimulatedProviders::Provider &provider)
{
    QString duplicate;
    const Fields f = FormData::parse(request.body(), &duplicate).value_or(Fields());
    const QString requestId = f.value(QStringLiteral("request"));
    const auto pending = m_context.signIns.find(requestId);
    if (!pending || pending->finished)
        return m_context.signIns.expiredOrUnavailable();
    if (f.value(QStringLiteral("action")) == QLatin1String("cancel"))
        return m_context.signIns.fail(requestId,
                                      ServerError{ErrorCode::AccessDenied,
                                                  QStringLiteral("The person cancelled signing in.")});
    const QString fault = f.value(QStringLiteral("fault"));
    if (!fault.isEmpty() && !QaFaults::isKnown(fault))
        return form(requestId, provider, {}, QStringLiteral("That QA fault does not exist."));
    if (f.contains(QStringLiteral("persona"))) {
        const auto profile = SimulatedProviders::personaProfile(provider.id, f.value(QStringLiteral("persona")));
        if (!profile)
            return form(requestId, provider, {}, QStringLiteral("That test persona does not exist."));
        return complete(requestId, *profile, fault);
    }
    UpstreamProfile typed{{provider.id, f.value(QStringLiteral("provider_user_id")).trimmed()},
                          f.value(QStringLiteral("email")).trimmed(),
                          f.value(QStringLiteral("email_verified")) == QLatin1String("true"),
                          f.value(QStringLiteral("name")).simplified(),
                          {}};
    if (const auto problem = checkTypedProfile(typed))
        return form(requestId, provider, typed, *problem, fault);
    return complete(requestId, typed, fault);
}

QHttpServerResponse SimulatedSignInEndpoint::complete(const QString &requestId, UpstreamProfile profile,
                                                      const QString &fault)
{
    profile.identity.providerId = ProviderDirectory::simulatedKey(profile.identity.providerId);
    return m_context.signIns.complete(requestId, profile, fault);
}
