#pragma once

#include <QList>
#include <QString>

// One identity provider a Latchkey server signs people in with, as its
// discovery document lists it (`upstream_providers`, an extension): the id
// goes into the authorization request as `provider`, the name onto a button.
struct UpstreamProviderInfo
{
    QString id;   // [a-z0-9._-]{1,64}
    QString name; // for people: one line, at most 80 characters

    friend bool operator==(const UpstreamProviderInfo &a, const UpstreamProviderInfo &b)
    {
        return a.id == b.id && a.name == b.name;
    }
    friend bool operator!=(const UpstreamProviderInfo &a, const UpstreamProviderInfo &b) { return !(a == b); }
};
