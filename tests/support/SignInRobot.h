#pragma once

#include "HttpRobot.h"

#include <QHttpServer>
#include <QUrlQuery>

// One authorization request's secrets, as a client keeps them.
struct AuthorizationRequest
{
    QString state;
    QString nonce;
    QByteArray verifier;
    QString redirectUri;
    QString scope;
};

// Plays a native client and its user against the reference server: builds
// the authorization request, clicks through the sign-in and provider pages
// like a browser, receives the redirect on a real loopback listener and
// calls the token and onboarding endpoints.
class SignInRobot
{
public:
    // `issuer`: the server under test, in-process or a separate process.
    SignInRobot(const QString &issuer, HttpRobot &http);
    QUrl url(const QString &path) const { return QUrl(m_issuer + path); }

    AuthorizationRequest newRequest() const;
    QUrl authorizeUrl(const AuthorizationRequest &request, const FieldList &replace = {},
                      const QStringList &omit = {}) const;

    // The query string that reached the loopback redirect URI.
    QUrlQuery signInWithPersona(const AuthorizationRequest &request, const QString &provider, const QString &persona);
    // The same with more fields of the provider form, e.g. {"fault", "onboard-slow"}.
    QUrlQuery signInWithPersona(const AuthorizationRequest &request, const QString &provider, const QString &persona,
                                const FieldList &extra);
    QUrlQuery signInAs(const AuthorizationRequest &request, const QString &provider, const QString &userId,
                       const QString &email, bool verified, const QString &name);
    QUrlQuery cancelAt(const AuthorizationRequest &request, const QString &provider);
    // Opens the authorize URL and returns the sign-in page's request id.
    QString openSignInPage(const AuthorizationRequest &request);
    // Picks `provider` on the sign-in page, as its link does: the simulated
    // provider's page URL (/qa/signin/<id>?state=...), after the broker set
    // its binding cookie; empty when the broker did not send the browser there.
    QUrl openProviderPage(const QString &requestId, const QString &provider);
    // Posts the simulated provider page's form (its "state" added) and
    // follows its answer through /upstream/<id>/callback to the app.
    QUrlQuery submitProviderPage(const QUrl &page, const FieldList &fields);

    HttpResult exchangeCode(const AuthorizationRequest &request, const QString &code);
    HttpResult refresh(const QString &refreshToken);
    // `extra` replaces body fields; a null value removes one.
    HttpResult onboard(const QString &onboardingToken, const QByteArray &verifier, const QString &username,
                       const QString &idempotencyKey, const QJsonObject &extra = {});
    HttpResult usernameCheck(const QString &onboardingToken, const QString &username);

    // new user -> Onboarding response; returns the onboarding token.
    QString onboardingTokenFor(const AuthorizationRequest &request, const QString &provider, const QString &userId,
                               const QString &email = {}, bool verified = false, const QString &name = {});
    QString termsVersion() const;

    HttpRobot &http() { return m_http; }

private:
    QUrlQuery followToLoopback(const HttpResult &providerAnswer);
    QUrlQuery throughProvider(const AuthorizationRequest &request, const QString &provider, const FieldList &fields);

    QString m_issuer;
    HttpRobot &m_http;
    QHttpServer m_loopback;
    quint16 m_loopbackPort = 0;
    QUrlQuery m_lastCallback;
};
