#include "BrowserRobot.h"

#include <QDesktopServices>
#include <QRegularExpression>
#include <QTimer>

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
    HttpResult page = m_http.get(authorize);
    QString providerPath = QStringLiteral("/signin/") + m_provider;
    if (page.status == 302) {
        const QUrl next = authorize.resolved(page.location());
        if (!next.path().startsWith(QLatin1String("/signin/"))) { // the server sent an error straight back
            m_landing = m_http.get(next);
            return;
        }
        // provider=<id> (PROTOCOL.md 4): the server skipped its chooser and
        // sent the browser to that provider, where the person now is.
        providerPath = next.path();
        page = m_http.get(next);
    }
    static const QRegularExpression requestField(QStringLiteral("name=\"request\" value=\"([^\"]+)\""));
    const QString requestId = requestField.match(QString::fromUtf8(page.body)).captured(1);
    FieldList fields{{QStringLiteral("request"), requestId}};
    if (m_mode == Mode::Persona)
        fields.append({QStringLiteral("persona"), m_persona});
    else if (m_mode == Mode::Identity)
        fields += m_identity;
    else
        fields.append({QStringLiteral("action"), QStringLiteral("cancel")});
    QUrl signIn = authorize;
    signIn.setPath(providerPath);
    signIn.setQuery(QString());
    const HttpResult answer = m_http.postForm(signIn, fields);
    if (answer.status != 302)
        return;
    const QUrl redirect = rewriteRedirect ? rewriteRedirect(answer.location()) : answer.location();
    if (beforeRedirect)
        beforeRedirect(redirect);
    m_landing = m_http.get(redirect);
}
