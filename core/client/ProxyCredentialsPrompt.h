#pragma once

#include <QString>

// One question to the person, asked while a request waits for a proxy
// (ProxyCredentials::credentialsRequired): the UI fills in the answer
// before the signal returns.
struct ProxyCredentialsPrompt
{
    // Asked
    QString proxy;      // "host:port"
    QString user;       // the last name tried, to start from
    bool retry = false; // the credentials tried last were refused
    // Answered
    bool accepted = false; // false: cancelled, the request fails with ProxyAuthenticationRequired
    QString password;
    bool remember = false;
};
