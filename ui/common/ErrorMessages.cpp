#include "ErrorMessages.h"

#include "ClaimNames.h"
#include "ErrorCodes.h"

#include <QJsonArray>

#include <QStringList>

using Code = ClientError::Code;

QString ErrorMessages::sentence(const ClientError &error)
{
    switch (error.code) {
    case Code::None:
        return {};
    case Code::Cancelled:
        return tr("Signing in was cancelled.");
    case Code::Network:
    case Code::Timeout:
    case Code::ServerFailure:
    case Code::InvalidResponse:
    case Code::ResponseTooLarge:
    case Code::RateLimited:
    case Code::RequestNotMade:
        return networkSentence(error);
    case Code::CertificateUntrusted:
    case Code::CertificateNameMismatch:
    case Code::CertificateExpired:
    case Code::ProxyRefused:
    case Code::ProxyAuthenticationRequired:
    case Code::ProxyUnreachable:
        return connectionSentence(error);
    case Code::ServerRefused:
        return serverRefusal(error);
    case Code::NotAServerAddress:
        return tr("\"%1\" is not a server address.").arg(error.detail);
    case Code::InsecureIssuer:
        return tr("\"%1\" uses plain http. Latchkey only signs in over https, except to a server on this computer.")
            .arg(error.detail);
    case Code::NotOpenIdProvider:
        return tr("%1 is not an OpenID Connect server.").arg(error.detail);
    case Code::IssuerMismatch:
        return tr("The server calls itself by another address than the one set. Check the server address in the "
                  "settings.");
    case Code::Unsupported:
        return tr("The server lacks something Latchkey needs.");
    case Code::NoSigningKey:
        return tr("The server publishes no signing key Latchkey can use.");
    case Code::CouldNotListen:
        return tr("Latchkey cannot receive the browser's answer: no loopback port is available.");
    case Code::DeviceCodeExpired:
        return tr("The code was not entered in time. Start signing in again for a new code.");
    case Code::BrowserTimedOut:
        return tr("The browser did not come back in time. Sign in again.");
    case Code::AccessDenied:
        return tr("Signing in was cancelled in the browser.");
    case Code::AuthorizationRejected:
        return authorizationRejection(error.serverError);
    case Code::CallbackIssuerMismatch:
        return tr("The answer came from an unexpected server. Signing in was stopped for your safety.");
    case Code::NoAuthorizationCode:
        return tr("The server's answer had no authorization code.");
    case Code::NoIdToken:
        return tr("The server sent no identity token.");
    case Code::InvalidIdToken:
        return tr("The server's identity token is not valid.");
    case Code::InvalidOnboardingToken:
        return tr("The server's registration token is not valid.");
    case Code::OnboardingUnsupported:
        return tr("This is your first sign-in, but the server offers no way to register from this app.");
    case Code::LinkNotMade:
        return linkNotMade(error);
    case Code::SessionEnded:
        return tr("Your session has ended. Sign in again.");
    case Code::KeychainNotFound:
    case Code::KeychainUnavailable:
    case Code::KeychainLocked:
    case Code::KeychainDenied:
    case Code::KeychainTimedOut:
    case Code::KeychainCorrupt:
        return keychainSentence(error.code);
    case Code::BundledServerMissing:
        return tr("latchkey-server is not installed next to Latchkey.");
    case Code::BundledServerNotStarted:
        return tr("The reference server could not be started.");
    case Code::BundledServerExited:
        return tr("The reference server stopped at once.");
    case Code::BundledServerTimedOut:
        return tr("The reference server did not start in time.");
    }
    return tr("Something went wrong (%1).").arg(error.codeName());
}

QString ErrorMessages::networkSentence(const ClientError &error)
{
    switch (error.code) {
    case Code::Network:
        return tr("The server at %1 cannot be reached.").arg(error.host);
    case Code::Timeout:
        return tr("The server at %1 did not answer in time.").arg(error.host);
    case Code::ServerFailure:
        return tr("The sign-in server has a problem (HTTP %1). Try again later.").arg(error.httpStatus);
    case Code::ResponseTooLarge:
        return tr("The server at %1 sent an answer larger than 1 MiB; Latchkey stopped reading it.").arg(error.host);
    case Code::RateLimited:
        return tr("Too many attempts. Try again in %n second(s).", nullptr, error.retryAfter);
    case Code::RequestNotMade:
        return tr("The request could not be made.");
    default:
        return tr("The server at %1 sent an answer Latchkey cannot use.").arg(error.host);
    }
}

QString ErrorMessages::connectionSentence(const ClientError &error)
{
    const QString proxy = error.proxy.isEmpty() ? tr("in between") : error.proxy;
    switch (error.code) {
    case Code::CertificateUntrusted:
        return tr("The certificate of %1 is not trusted by this computer. If your organisation uses its own "
                  "certificate authority, ask your administrator to install it on this computer; otherwise someone "
                  "may be listening in, so do not sign in.")
            .arg(error.host);
    case Code::CertificateNameMismatch:
        return tr("The certificate of %1 was issued for another name, so Latchkey cannot be sure it is talking to "
                  "%1. Check the server address in the settings; if it is right, tell the server's administrator.")
            .arg(error.host);
    case Code::CertificateExpired:
        return tr("The certificate of %1 has expired or is not valid yet. Check that this computer's date and time "
                  "are right; if they are, tell the server's administrator.")
            .arg(error.host);
    case Code::ProxyRefused:
        return tr("The proxy server %1 refused the connection. Check the proxy settings of this computer (or "
                  "Latchkey's --proxy option), or ask your administrator whether the proxy is running.")
            .arg(proxy);
    case Code::ProxyAuthenticationRequired:
        return tr("The proxy server %1 needs a user name and password, and none it accepts were given. Try again "
                  "and enter your proxy sign-in; your administrator can tell you what it is.")
            .arg(proxy);
    default:
        return tr("The proxy server %1 cannot be found or did not answer in time. Check your network connection "
                  "and the proxy settings of this computer.")
            .arg(proxy);
    }
}

QString ErrorMessages::proxyOptionProblem(ProxyConfig::Problem problem, const QString &text)
{
    switch (problem) {
    case ProxyConfig::Problem::None:
        return {};
    case ProxyConfig::Problem::HasUserInfo:
        return tr("--proxy must not contain a user name or password: the command line can be read by every "
                  "program on this computer. Leave them out; Latchkey asks for them in a dialog when the proxy "
                  "wants them.");
    case ProxyConfig::Problem::UnsupportedScheme:
        return tr("--proxy \"%1\": only http:// and socks5:// proxies are supported, e.g. "
                  "http://proxy.example.org:3128.")
            .arg(text);
    case ProxyConfig::Problem::NoHost:
        return tr("--proxy \"%1\" names no host. Write it as http://host:port, e.g. http://proxy.example.org:3128.")
            .arg(text);
    case ProxyConfig::Problem::NoPort:
        return tr("--proxy \"%1\" names no port. Write it as http://host:port, e.g. http://proxy.example.org:3128.")
            .arg(text);
    case ProxyConfig::Problem::NotAUrl:
        break;
    }
    return tr("--proxy \"%1\" is not a proxy address. Write it as http://host:port or socks5://host:port, e.g. "
              "http://proxy.example.org:3128.")
        .arg(text);
}

QString ErrorMessages::serverRefusal(const ClientError &error)
{
    if (error.serverError == QLatin1String(ErrorCode::InvalidGrant))
        return tr("The server did not accept this sign-in any more. Sign in again.");
    if (error.serverError == QLatin1String(ErrorCode::InvalidClient)
        || error.serverError == QLatin1String(ErrorCode::UnauthorizedClient))
        return tr("The server does not know this app's client id. Check the server settings.");
    return tr("The server refused the request (%1).").arg(error.serverError);
}

// RFC 6749 4.1.2.1 and the upstream failures of PROTOCOL.md 4: what happened
// and what to do, so the server's description is only the detail beneath it.
QString ErrorMessages::authorizationRejection(const QString &serverError)
{
    if (serverError == QLatin1String(ErrorCode::TemporarilyUnavailable))
        return tr("The sign-in provider can't be reached right now. Try again in a few minutes.");
    if (serverError == QLatin1String(ErrorCode::ServerError))
        return tr("The sign-in provider could not confirm who you are.");
    // These mean the request itself was refused: a setting, or this version of Latchkey.
    static const QStringList refusedRequest{QLatin1String(ErrorCode::InvalidRequest),
                                            QLatin1String(ErrorCode::UnauthorizedClient),
                                            QLatin1String(ErrorCode::UnsupportedResponseType),
                                            QLatin1String(ErrorCode::InvalidScope)};
    if (refusedRequest.contains(serverError))
        return tr("The server turned down Latchkey's sign-in request (%1). Check the server address and client id in "
                  "the server settings.")
            .arg(serverError);
    return tr("The server could not sign you in (%1).").arg(serverError);
}

QString ErrorMessages::keychainSentence(ClientError::Code code)
{
    switch (code) {
    case Code::KeychainNotFound:
        return tr("No saved session.");
    case Code::KeychainLocked:
        return tr("The keychain is locked.");
    case Code::KeychainDenied:
        return tr("Access to the keychain was refused.");
    case Code::KeychainTimedOut:
        return tr("The keychain did not answer in time.");
    case Code::KeychainCorrupt:
        return tr("The keychain entry of this account cannot be read.");
    default:
        return tr("No keychain (Secret Service) is available on this computer.");
    }
}

QString ErrorMessages::details(const ClientError &error)
{
    if (!error.serverDescription.isEmpty())
        return error.serverDescription;
    // The address is the sentence already.
    if (error.code == Code::NotAServerAddress || error.code == Code::InsecureIssuer
        || error.code == Code::NotOpenIdProvider)
        return {};
    return error.detail;
}

QString ErrorMessages::restoreProblem(const ClientError &error)
{
    return tr("Your session can't be restored right now: %1").arg(sentence(error));
}

QString ErrorMessages::saveProblem(const ClientError &error)
{
    return error.ok() ? QString() : tr("Your session can't be remembered on this computer: %1").arg(sentence(error));
}

QString ErrorMessages::renewalProblem(const ClientError &error, const QString &retryAt)
{
    if (error.ok())
        return {};
    //: %1: what went wrong, a sentence; %2: a time such as 09:42.
    return tr("%1 You stay signed in; Latchkey tries again at %2.").arg(sentence(error), retryAt);
}

QString ErrorMessages::joinedNames(const QStringList &names)
{
    if (names.size() <= 1)
        return names.value(0);
    //: Joins the last two of several provider names: "GitHub or Google".
    return tr("%1 or %2").arg(QStringList(names.mid(0, names.size() - 1)).join(tr(", ")), names.last());
}

QString ErrorMessages::linkNotMade(const ClientError &error)
{
    const QString why = error.body.value(QLatin1String(LinkField::LinkError)).toString();
    QStringList before;
    for (const QJsonValue &name : error.body.value(QLatin1String(LinkField::Providers)).toArray())
        before.append(name.toString());
    const QString linking = error.body.value(QLatin1String(LinkField::LinkedProvider)).toString();
    const QString account = before.isEmpty() ? tr("the provider you signed up with") : joinedNames(before);
    // Where the browser signed in: the account's provider (from the wizard), or the one being added.
    const QString provider = !before.isEmpty() ? before.first() : !linking.isEmpty() ? linking : tr("the provider");
    if (why == QLatin1String(LinkFailure::Cancelled))
        return tr("Linking was cancelled. Nothing was linked; you can still sign in with %1.").arg(account);
    // From a session (adding a method) nothing names the account's providers: the sentence is about the new one.
    if (why == QLatin1String(LinkFailure::OtherAccount) && before.isEmpty() && !linking.isEmpty())
        return tr("That %1 account already belongs to another Latchkey account. Nothing was linked.").arg(linking);
    if (why == QLatin1String(LinkFailure::OtherAccount))
        return tr("You signed in to %1 with an account other than the one that uses this email address. Nothing "
                  "was linked.")
            .arg(provider);
    if (why == QLatin1String(LinkFailure::NoAccount))
        return tr("That %1 account has no Latchkey account. Nothing was linked: sign in with the %1 account you "
                  "signed up with.")
            .arg(provider);
    if (why == QLatin1String(LinkFailure::Expired))
        return tr("The link request expired. Nothing was linked: sign in with %1, or start again.").arg(account);
    if (why == QLatin1String(LinkFailure::Unavailable))
        return tr("%1 can't be reached right now. Nothing was linked; try again in a few minutes.").arg(provider);
    if (!linking.isEmpty())
        return tr("Nothing was linked: %1 was not added to your account.").arg(linking);
    return tr("Nothing was linked.");
}

QString ErrorMessages::linkConfirmation(const QString &linked, const QStringList &before)
{
    QStringList all = before;
    if (!all.contains(linked))
        all.append(linked);
    if (before.isEmpty())
        return tr("%1 is now linked to your account.").arg(linked);
    return tr("%1 is now linked to your account; you can sign in with %2.").arg(linked, joinedNames(all));
}

bool ErrorMessages::linkRequestExpired(const ClientError &error)
{
    return (error.httpStatus == 401 && error.serverError == QLatin1String(ErrorCode::InvalidToken))
        || error.serverError == QLatin1String(ErrorCode::OnboardingAlreadyCompleted);
}

QString ErrorMessages::linkRequestProblem(const ClientError &error)
{
    if (linkRequestExpired(error))
        return tr("This registration is no longer valid, so nothing can be linked. Sign in again to continue.");
    if (error.serverError == QLatin1String(ErrorCode::LinkUnavailable))
        return tr("The account that uses this email address can't be linked from here. Sign in with the provider "
                  "you signed up with instead.");
    return tr("Linking could not start: %1").arg(sentence(error));
}
