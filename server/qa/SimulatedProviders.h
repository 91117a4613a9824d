#pragma once

#include "UpstreamProfile.h"

#include <QList>
#include <QString>

#include <optional>

// The upstream providers the reference server brokers, all simulated, and
// the one-click QA personas offered on each provider's page.
class SimulatedProviders
{
public:
    struct Provider
    {
        QString id;
        QString name;
    };
    struct Persona
    {
        QString key;
        QString label;
        QString description;
    };

    static QList<Provider> providers();
    static QList<Persona> personas();
    // A profile for the persona; "new" personas get a fresh user id each time,
    // so every click is a person the server has never seen.
    static std::optional<UpstreamProfile> personaProfile(const QString &providerId, const QString &personaKey);
};
