#pragma once

#include "JwkSet.h"
#include "UpstreamProvider.h"

#include <QList>
#include <QStringList>

#include <optional>

// An OpenID Connect provider found by discovery from its issuer (exact
// match), whose ID tokens are verified against its JWKS: signature, alg
// announced in its metadata, iss, aud, azp, exp, iat and nonce. Userinfo
// fills in email or name when the ID token lacks them. The app's prompt,
// login_hint and max_age go along to its authorization endpoint, and its
// auth_time becomes the person's authentication time.
class OidcUpstream : public UpstreamProvider
{
    Q_OBJECT
public:
    using UpstreamProvider::UpstreamProvider;

    bool usesNonce() const override { return true; }
    void prepare() override;

protected:
    void withEndpoints(EndpointsCallback next) override;
    // prompt, login_hint and max_age go on as the app sent them (OIDC Core 3.1.2.1).
    QString hintParameter(QLatin1String standardName) const override { return standardName; }
    // Only the prompt values it accepts (the providers file's prompt_values,
    // else its discovery's list, else login): a provider may refuse the whole
    // request for one it does not support (node-oidc-provider: select_account).
    QString hintValue(QLatin1String standardName, const QString &value) const override;
    void profileFrom(const QJsonObject &tokens, const UpstreamAttempt &attempt, OutcomeCallback done) override;

private:
    struct Metadata
    {
        Endpoints endpoints;
        QUrl userinfo;
        QUrl jwks;
        QStringList algorithms;
        QStringList promptValues; // prompt_values_supported; empty: not published
    };

    void discover();
    std::optional<Metadata> readDiscovery(const UpstreamReply &reply, QString *problem) const;
    void fetchKeys(std::function<void(const Result<void> &fetched)> next);
    void verify(const QString &idToken, const QByteArray &accessToken, const UpstreamAttempt &attempt, bool keysFresh,
                OutcomeCallback done);
    void completeFromUserinfo(UpstreamProfile profile, const QByteArray &accessToken, OutcomeCallback done);

    std::optional<Metadata> m_metadata;
    JwkSet m_keys;
    bool m_discovering = false;
    QList<EndpointsCallback> m_waiting;
};
