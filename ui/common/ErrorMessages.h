#pragma once

#include "ClientError.h"
#include "ProxyConfig.h"

#include <QCoreApplication>
#include <QString>

// The one place where the client core's error codes become sentences, in
// the person's language. A server's own words are never the sentence: they
// are only the details beneath it, shown as plain text.
class ErrorMessages
{
    Q_DECLARE_TR_FUNCTIONS(ErrorMessages)
public:
    // What happened and, where there is one, what to do.
    static QString sentence(const ClientError &error);
    // The Details line: the server's error_description, else the technical
    // detail; plain text, possibly in the server's language.
    static QString details(const ClientError &error);
    // For a session that could not be restored, or not be saved, from the keychain.
    static QString restoreProblem(const ClientError &error);
    static QString saveProblem(const ClientError &error);
    // The quiet line while signed in and a renewal failed: what happened,
    // that nothing is lost, and when it is tried again (`retryAt`, local time).
    static QString renewalProblem(const ClientError &error, const QString &retryAt);
    // Why a link linked nothing (ClientError::Code::LinkNotMade, by its
    // link_error), with what to do instead.
    static QString linkNotMade(const ClientError &error);
    // After a link: "Google is now linked to your account; you can sign in
    // with GitHub or Google."
    static QString linkConfirmation(const QString &linked, const QStringList &before);
    // A link request from the wizard failed: the registration expired, or another reason.
    static QString linkRequestProblem(const ClientError &error);
    // The registration behind a link request is over: only a new sign-in helps.
    static bool linkRequestExpired(const ClientError &error);

    // Why `--proxy <text>` is refused, with how to write it; never repeats
    // a value that holds a password.
    static QString proxyOptionProblem(ProxyConfig::Problem problem, const QString &text);

private:
    // TLS and proxy failures: named by the server's host or the proxy's host:port.
    static QString connectionSentence(const ClientError &error);
    static QString networkSentence(const ClientError &error);
    static QString serverRefusal(const ClientError &error);
    static QString authorizationRejection(const QString &serverError);
    static QString keychainSentence(ClientError::Code code);
    static QString joinedNames(const QStringList &names);
};
