#include "DevicePageRobot.h"

#include <QRegularExpression>
#include <QUrlQuery>

DevicePageRobot::DevicePageRobot(HttpRobot *http, const QString &issuer)
    : m_http(http)
    , m_issuer(issuer)
{
}

QString DevicePageRobot::hiddenField(const HttpResult &page, const QString &name)
{
    const QRegularExpression field(QStringLiteral("name=\"%1\" value=\"([^\"]*)\"").arg(name));
    return field.match(QString::fromUtf8(page.body)).captured(1);
}

HttpResult DevicePageRobot::enterCode(const QString &userCode, const HeaderList &headers)
{
    return m_http->postForm(at(QStringLiteral("/device")), {{QStringLiteral("user_code"), userCode}}, headers);
}

HttpResult DevicePageRobot::confirm(const HttpResult &page, const QString &action, bool checked)
{
    FieldList fields{{QStringLiteral("user_code"), hiddenField(page, QStringLiteral("user_code"))},
                     {QStringLiteral("csrf"), hiddenField(page, QStringLiteral("csrf"))},
                     {QStringLiteral("action"), action}};
    if (checked)
        fields.append({QStringLiteral("confirm"), QStringLiteral("yes")});
    return m_http->postForm(at(QStringLiteral("/device/confirm")), fields);
}

HttpResult DevicePageRobot::throughProvider(const QString &requestId, const QString &provider, const FieldList &fields)
{
    QUrl signIn = at(QStringLiteral("/signin/") + provider);
    signIn.setQuery(QStringLiteral("request=") + requestId);
    const HttpResult begun = m_http->get(signIn);
    if (begun.status != 302)
        return begun;
    const QUrl page = begun.location();
    FieldList all{
        {QStringLiteral("state"), QUrlQuery(page).queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded)}};
    all += fields;
    HttpResult hop = m_http->postForm(page.adjusted(QUrl::RemoveQuery), all);
    for (int hops = 0; hops < 4 && hop.status == 302; ++hops)
        hop = m_http->get(hop.location());
    return hop;
}

HttpResult DevicePageRobot::signIn(const QString &userCode, const QString &provider, const FieldList &fields)
{
    const HttpResult confirmation = enterCode(userCode);
    if (confirmation.status != 200)
        return confirmation;
    const HttpResult chooser = confirm(confirmation, QStringLiteral("continue"), true);
    if (chooser.status != 200)
        return chooser;
    return throughProvider(hiddenField(chooser, QStringLiteral("request")), provider, fields);
}
