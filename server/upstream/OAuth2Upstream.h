#pragma once

#include "UpstreamProvider.h"

// A plain OAuth 2.0 provider with a user-info API (GitHub style): the
// endpoints come from the providers file, and the user-info fields named in
// its "claims" say who this is. With an emails endpoint, the primary
// verified address of a GitHub-style list is the email.
class OAuth2Upstream : public UpstreamProvider
{
    Q_OBJECT
public:
    using UpstreamProvider::UpstreamProvider;

protected:
    void withEndpoints(EndpointsCallback next) override;
    void profileFrom(const QJsonObject &tokens, const UpstreamAttempt &attempt, OutcomeCallback done) override;

private:
    UpstreamProfile mapUserinfo(const QJsonObject &info) const;
    void addPrimaryEmail(UpstreamProfile profile, const QByteArray &accessToken, OutcomeCallback done);
};
