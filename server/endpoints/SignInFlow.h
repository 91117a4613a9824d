#pragma once

#include "PendingSignIn.h"
#include "Result.h"
#include "SignInStore.h"
#include "TokenStore.h"
#include "UpstreamAttempt.h"
#include "UpstreamProfile.h"

#include <QHttpServerResponse>
#include <QString>
#include <QUrl>

#include <optional>

class Clock;
class DeviceGrantStore;
class TokenIssuer;
class TokenStore;

// The HTTP side of a sign-in between /authorize and the redirect back to the
// app: the pages and redirects that end it, with a code or an error
// (PROTOCOL.md 4). What is kept of it, and who finishes it, is SignInStore's.
class SignInFlow
{
public:
    using Pending = PendingSignIn;
    using Claim = SignInStore::Claim;
    static constexpr qint64 Lifetime = SignInStore::Lifetime;

    SignInFlow(SignInStore &store, const Clock &clock, TokenStore &tokens, const TokenIssuer &issuer,
               DeviceGrantStore &devices);

    SignInStore &store() { return m_store; }
    // Nullopt when unknown or expired, or when the database could not be read
    // (then expiredOrUnavailable() says so); finished ones are returned.
    std::optional<Pending> find(const QString &requestId);

    // Ends the sign-in with an error at the app's redirect URI (PROTOCOL.md 4).
    QHttpServerResponse fail(const QString &requestId, const ServerError &error);
    // Ends a sign-in this caller claimed with a code for the app (QA mode: the
    // profile's qaFault, attached by the tester, goes with the code).
    // `issued`: whether the app got a code, not the error that none could be saved.
    QHttpServerResponse completeClaimed(const Pending &pending, const UpstreamProfile &profile, bool *issued = nullptr);
    // What the code of a sign-in that ends with `profile` is bound to.
    AuthorizationGrant grantFor(const Pending &pending, const UpstreamProfile &profile) const;
    QHttpServerResponse redirectWithCode(const Pending &pending, const QByteArray &code) const;
    // PROTOCOL.md 6.5: access_denied, saying nothing was linked, with `why`
    // (LinkError) as the redirect's link_error.
    static ServerError linkFailed(const char *why, const QString &description);
    static constexpr char LinkErrorField[] = "link_error";
    // Ends a sign-in this caller claimed with an error at the app's redirect URI.
    QHttpServerResponse failClaimed(const Pending &pending, const ServerError &error) const;
    // Where the page's forms may lead, for its Content-Security-Policy.
    QUrl returnTo(const QString &requestId);

    QHttpServerResponse redirectError(const QString &redirectUri, const QString &state, const ServerError &error) const;
    static QHttpServerResponse expired();
    // After find() found nothing: expired(), or 503 when the database could not be read.
    QHttpServerResponse expiredOrUnavailable() const;
    // A store error that ends on our own page (no app to return to).
    static QHttpServerResponse unavailablePage(const ServerError &error);
    static QHttpServerResponse errorPage(const QString &heading, const QString &message,
                                         QHttpServerResponse::StatusCode status
                                         = QHttpServerResponse::StatusCode::BadRequest);
    // PROTOCOL.md 10: how a device grant's sign-in ends in the browser, which
    // has no app to return to.
    static QHttpServerResponse devicePage(const QString &heading, const QString &message,
                                          QHttpServerResponse::StatusCode status = QHttpServerResponse::StatusCode::Ok);

private:
    // A device grant's sign-in ends by approving the grant (the code the
    // device redeems with its device code), or, cancelled, by denying it.
    QHttpServerResponse approveDevice(const Pending &pending, const UpstreamProfile &profile, bool *issued);
    QHttpServerResponse endDevice(const Pending &pending, const ServerError &error) const;
    qint64 authTimeOf(const UpstreamProfile &profile) const;
    QUrl redirectUrl(const QString &redirectUri, const QList<std::pair<QString, QString>> &fields) const;

    SignInStore &m_store;
    const Clock &m_clock;
    TokenStore &m_tokens;
    const TokenIssuer &m_issuer;
    DeviceGrantStore &m_devices;
    std::optional<ServerError> m_readError; // why the last find() found nothing, when it could not read
};
