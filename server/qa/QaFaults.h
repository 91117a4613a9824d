#pragma once

#include "ServerError.h"

#include <QList>
#include <QString>

// QA mode only: the faults a tester can attach to one sign-in on the
// simulated provider page, so every error branch of the app's registration
// wizard can be reached by clicking. The one list of them: the page offers
// these, the endpoints obey them, docs/qa.md documents them.
class QaFaults
{
public:
    enum class Fault {
        None,
        OnboardSlow,
        Onboard503Once,
        OnboardResponseLost,
        UsernameCheckDown,
        OnboardingExpires30s,
        TokenEndpointDown,
        ProviderDown,
    };
    struct Entry
    {
        Fault fault;
        QString key;    // the form value and the onboarding token's qa_fault claim
        QString label;  // on the provider page
        QString effect; // what the tester should see in the app
    };

    static constexpr int SlowOnboardMs = 5000;
    static constexpr int ShortOnboardingLifetime = 30;
    static constexpr int RetryAfterSeconds = 1;

    static QList<Entry> all();
    static bool isKnown(const QString &key);
    // The fault a sign-in or token names, honoured only in QA mode: outside
    // it nothing a token claims may change how the server answers.
    static Fault honoured(bool qaMode, const QString &key);
    // 503 temporarily_unavailable with Retry-After, as an overloaded server answers.
    static ServerError unavailable(const QString &description);
};
