#include "Connector.h"

Connector::Connector(const UpstreamSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
}

QString Connector::upstreamIssuer() const
{
    if (m_settings.type == UpstreamSettings::OidcType)
        return m_settings.issuer;
    if (m_settings.type == UpstreamSettings::OAuth2Type)
        return m_settings.userinfoEndpoint
            .adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo)
            .toString();
    return QStringLiteral("local:") + m_settings.type;
}
