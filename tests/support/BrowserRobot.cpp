#include "BrowserRobot.h"

#include <QDesktopServices>
#include <QRegularExpression>
#include <QTimer>
#include <QUrlQuery>

BrowserRobot::BrowserRobot(QObject *parent)
    : QObject(parent)
{
    QDesktopServices::setUrlHandler(QStringLiteral("http"), this, "openUrl");
    QDesktopServices::setUrlHandler(QStringLiteral("https"), this, "openUrl");
}

BrowserRobot::~BrowserRobot()
{
    QDesktopServices::unsetUrlHandler(QStringLiteral("http"));
    QDesktopServices::unsetUrlHandler(QStringLiteral("https"));
}

void BrowserRobot::usePersona(const QString &provider, const QString &persona)
{
    m_mode = Mode::Persona;
    m_provider = provider;
    m_persona = persona;
}

void BrowserRobot::useIdentity(const QString &provider, const QString &userId, const QString &email, bool verified,
                               const QString &name)
{
    m_mode = Mode::Identity;
    m_provider = provider;
    m_identity = {{QStringLiteral("provider_user_id"), userId},
                  {QStringLiteral("email"), email},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("action"), QStringLiteral("continue")}};
    if (verified)
        m_identity.append({QStringLiteral("email_verified"), QStringLiteral("true")});
}

void BrowserRobot::cancelAtProvider(const QString &provider)
{
    m_mode = Mode::Cancel;
    m_provider = provider;
}

void BrowserRobot::openUrl(const QUrl &url)
{
    m_opened.append(url);
    if (m_mode != Mode::StayAway)
        QTimer::singleShot(0, this, [this, url] { act(url); });
}

void BrowserRobot::act(const QUrl &url)
{
    const QUrl authorize = rewriteAuthorizeUrl ? rewriteAuthorizeUrl(url) : url;
    const HttpResult page = m_http.get(authorize);
    QUrl signIn = authorize;
    if (page.status == 302) {
        // provider=<id> (PROTOCOL.md 4): the server skipped its chooser and
        // sent the browser to that provider; or it sent an error straight back.
        signIn = authorize.resolved(page.location());
        if (!signIn.path().startsWith(QLatin1String("/signin/"))) {
            m_landing = m_http.get(signIn);
            return;
        }
    } else {
        static const QRegularExpression requestField(QStringLiteral("name=\"request\" value=\"([^\"]+)\""));
        signIn.setPath(QStringLiteral("/signin/") + m_provider);
        signIn.setQuery(QStringLiteral("request=") + requestField.match(QString::fromUtf8(page.body)).captured(1));
    }
    // /signin/<id> sets the binding cookie and sends the browser to the provider's page.
    const HttpResult begun = m_http.get(signIn);
    if (begun.status != 302)
        return;
    const QUrl providerPage = signIn.resolved(begun.location());
    if (!providerPage.path().startsWith(QLatin1String("/qa/signin/"))) {
        land(providerPage);
        return;
    }
    FieldList fields{
        {QStringLiteral("state"), QUrlQuery(providerPage).queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded)}};
    if (m_mode == Mode::Persona)
        fields.append({QStringLiteral("persona"), m_persona});
    else if (m_mode == Mode::Identity)
        fields += m_identity;
    else
        fields.append({QStringLiteral("action"), QStringLiteral("cancel")});
    const HttpResult answer = m_http.postForm(providerPage.adjusted(QUrl::RemoveQuery), fields);
    if (answer.status != 302)
        return;
    // The provider's answer goes to the broker's callback, which answers the app.
    const HttpResult back = m_http.get(providerPage.resolved(answer.location()));
    if (back.status == 302)
        land(providerPage.resolved(back.location()));
}

void BrowserRobot::land(const QUrl &location)
{
    const QUrl redirect = rewriteRedirect ? rewriteRedirect(location) : location;
    if (beforeRedirect)
        beforeRedirect(redirect);
    m_landing = m_http.get(redirect);
}
