#include "QaFaults.h"

QList<QaFaults::Entry> QaFaults::all()
{
    return {
        {Fault::OnboardSlow, QStringLiteral("onboard-slow"), QStringLiteral("Creating the account takes 5 seconds"),
         QStringLiteral("Create account shows its progress for 5 seconds, then the account is created.")},
        {Fault::Onboard503Once, QStringLiteral("onboard-503-once"),
         QStringLiteral("Creating the account fails once (server busy)"),
         QStringLiteral("The first Create account says the account could not be created (HTTP 503); "
                        "clicking Create account again creates it.")},
        {Fault::OnboardResponseLost, QStringLiteral("onboard-response-lost"),
         QStringLiteral("The answer to creating the account is lost"),
         QStringLiteral("The account is created but the connection closes; the app retries on its own with the "
                        "same Idempotency-Key and is signed in to that same account, with no error shown.")},
        {Fault::UsernameCheckDown, QStringLiteral("username-check-down"), QStringLiteral("The username check is down"),
         QStringLiteral("Typing a username says availability could not be checked (HTTP 503); "
                        "Create account still works.")},
        {Fault::OnboardingExpires30s, QStringLiteral("onboarding-expires-30s"),
         QStringLiteral("Registration expires after 30 seconds"),
         QStringLiteral("Wait 30 seconds in the wizard: Create account then says the registration is no "
                        "longer valid and offers to sign in again.")},
        {Fault::TokenEndpointDown, QStringLiteral("token-endpoint-down"), QStringLiteral("The token endpoint is down"),
         QStringLiteral("Signing in fails: the sign-in server has a problem (HTTP 503). The app stays "
                        "signed out and can sign in again.")},
        {Fault::ProviderDown, QStringLiteral("provider-down"),
         QStringLiteral("The provider cannot be reached when the answer comes back"),
         QStringLiteral("Signing in fails: the provider could not be reached (temporarily unavailable). When "
                        "linking, the app says the provider is down and that nothing was linked.")},
    };
}

bool QaFaults::isKnown(const QString &key)
{
    return honoured(true, key) != Fault::None;
}

QaFaults::Fault QaFaults::honoured(bool qaMode, const QString &key)
{
    if (!qaMode || key.isEmpty())
        return Fault::None;
    for (const Entry &entry : all()) {
        if (entry.key == key)
            return entry.fault;
    }
    return Fault::None;
}

ServerError QaFaults::unavailable(const QString &description)
{
    return ServerError::unavailable(description + QStringLiteral(" (QA fault)"), RetryAfterSeconds);
}
