#pragma once

#include "Result.h"
#include "UpstreamSettings.h"

#include <QJsonObject>
#include <QList>
#include <QProcessEnvironment>
#include <QStringList>

// Reads and checks the providers file of `latchkey-server --providers FILE`.
// Anything wrong stops the server at start with a message naming the
// provider and the field, so a typo never becomes a half-working broker.
class ProvidersFile
{
public:
    // Without secrets the file is checked but no secret is read: an admin
    // printing the redirect URIs to register has none yet (GitHub asks for
    // the callback URL before it issues one).
    enum class Secrets { Required, Skipped };

    // `types`: the provider types this server has connectors for
    // (ConnectorRegistry::types()); any other "type" stops it.
    // A start-up error (ServerError::startup) naming the provider and field.
    static Result<QList<UpstreamSettings>> load(const QString &path, Secrets secrets = Secrets::Required,
                                                const QProcessEnvironment &environment
                                                = QProcessEnvironment::systemEnvironment(),
                                                const QStringList &types = standardTypes());
    static Result<QList<UpstreamSettings>> parse(const QByteArray &json, Secrets secrets,
                                                 const QProcessEnvironment &environment,
                                                 const QStringList &types = standardTypes());
    // The types of a server without --qa.
    static QStringList standardTypes();
    // LATCHKEY_PROVIDER_<ID>_SECRET, the id upper-cased with '-' as '_'.
    static QString secretVariable(const QString &providerId);
    // http is for tests on this machine only; anything reachable must be https.
    static bool isAcceptableUrl(const QUrl &url);
};
