#include "Connector.h"

Connector::Connector(const UpstreamSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
}
