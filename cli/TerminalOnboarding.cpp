#include "TerminalOnboarding.h"

#include "ErrorMessages.h"
#include "Terminal.h"
#include "TermsJob.h"
#include "UsernameMessages.h"

#include <QMetaEnum>

TerminalOnboarding::TerminalOnboarding(OnboardingClient *client, QNetworkAccessManager *manager, Terminal *terminal,
                                       QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_manager(manager)
    , m_terminal(terminal)
{
    connect(client, &OnboardingClient::usernameChecked, this, &TerminalOnboarding::onChecked);
    connect(client, &OnboardingClient::usernameCheckFailed, this, [this](const QString &, const ClientError &error) {
        if (m_step != Step::Checking)
            return;
        // The onboard call checks again; a check that failed only loses the early answer.
        m_terminal->say(tr("The username could not be checked now (%1); it is checked again when the account "
                           "is created.")
                            .arg(ErrorMessages::sentence(error)));
        askTerms();
    });
    connect(client, &OnboardingClient::submitted, this,
            [this](OnboardingClient::Outcome outcome, const TokenResponse &) { onSubmitted(outcome); });
    // Ctrl+D at a question, or input from a file or pipe that ran out: no answer will ever come.
    connect(terminal, &Terminal::closed, this, [this] {
        if (m_step == Step::Done)
            return;
        m_terminal->say(); // the question's line was not ended by the person
        giveUp(tr("The input ended before the questions were answered, so no account was created."));
    });
}

void TerminalOnboarding::start()
{
    const OnboardingContext &c = m_client->context();
    m_terminal->say();
    m_terminal->say(c.email.isEmpty()
                        ? tr("Welcome! You signed in with %1. Create your Latchkey account:").arg(c.provider)
                        : tr("Welcome! You signed in with %1 as %2. Create your Latchkey account:")
                              .arg(c.provider, c.email));
    m_suggested = c.preferredUsername;
    askName();
}

void TerminalOnboarding::enter(Step step)
{
    m_step = step;
}

void TerminalOnboarding::answer(std::function<void(const QString &line)> then)
{
    disconnect(m_reading);
    m_reading = connect(m_terminal, &Terminal::lineRead, this, [this, then](const QString &line) {
        disconnect(m_reading);
        then(line);
    });
    m_terminal->readLine();
}

void TerminalOnboarding::askName()
{
    enter(Step::Name);
    const QString prefill = m_name.isEmpty() ? m_client->context().name : m_name;
    m_terminal->ask(prefill.isEmpty() ? tr("Display name: ") : tr("Display name [%1]: ").arg(prefill));
    answer([this, prefill](const QString &line) {
        m_name = line.isEmpty() ? prefill : line;
        if (m_name.isEmpty()) {
            m_terminal->say(tr("Enter the name others see, for example your full name."));
            askName();
            return;
        }
        askUsername();
    });
}

void TerminalOnboarding::askUsername()
{
    enter(Step::Username);
    m_terminal->ask(m_suggested.isEmpty() ? tr("Username: ") : tr("Username [%1]: ").arg(m_suggested));
    answer([this](const QString &line) {
        const QString username = line.isEmpty() ? m_suggested : line;
        const UsernameRules::Reason reason = OnboardingClient::checkLocally(username);
        if (reason != UsernameRules::Reason::Ok) {
            m_terminal->say(UsernameMessages::describe(reason));
            askUsername();
            return;
        }
        checkUsername(username);
    });
}

void TerminalOnboarding::checkUsername(const QString &username)
{
    enter(Step::Checking);
    m_username = username;
    m_client->checkUsername(username);
}

void TerminalOnboarding::onChecked(const UsernameCheckJob::Result &result)
{
    if (m_step != Step::Checking || result.username != m_username)
        return;
    if (result.available) {
        m_terminal->say(tr("@%1 is available.").arg(result.username));
        m_suggested = result.username;
        askTerms();
        return;
    }
    m_terminal->say(UsernameMessages::describeCode(result.reason));
    offerSuggestions(result.suggestions);
    askUsername();
}

void TerminalOnboarding::offerSuggestions(const QStringList &suggestions)
{
    m_suggested = suggestions.value(0);
    if (!suggestions.isEmpty())
        m_terminal->say(tr("Available instead: %1 (press Enter for the first).").arg(suggestions.join(QStringLiteral(", "))));
}

void TerminalOnboarding::askTerms()
{
    enter(Step::Terms);
    const QUrl terms = m_client->context().termsOfService;
    if (!m_termsVersion.isEmpty() || terms.isEmpty()) {
        m_terminal->say(tr("Read the terms of service (version %1): %2")
                            .arg(m_termsVersion, terms.toString(QUrl::FullyEncoded)));
        m_terminal->ask(tr("Do you accept the terms of service? [y/N]: "));
        answer([this](const QString &line) { onTermsAnswer(line); });
        return;
    }
    auto *job = new TermsJob(m_manager, terms, this);
    connect(job, &TermsJob::finished, this, [this, job] {
        job->deleteLater();
        if (!job->error().ok()) {
            giveUp(tr("The terms of service could not be loaded: %1").arg(ErrorMessages::sentence(job->error())));
            return;
        }
        m_termsVersion = job->version();
        askTerms();
    });
    job->start();
}

void TerminalOnboarding::onTermsAnswer(const QString &answer)
{
    const QString a = answer.toLower();
    //: The short and long "yes" accepted at a [y/N] question, besides English y and yes.
    const bool yes = a == QLatin1String("y") || a == QLatin1String("yes") || a == tr("y") || a == tr("yes");
    if (!yes) {
        giveUp(tr("You did not accept the terms of service, so no account was created."));
        return;
    }
    enter(Step::Creating);
    m_terminal->say(tr("Creating your account…"));
    m_client->submit(m_username, m_name, m_termsVersion);
}

void TerminalOnboarding::onSubmitted(OnboardingClient::Outcome outcome)
{
    using Outcome = OnboardingClient::Outcome;
    if (m_step != Step::Creating)
        return;
    switch (outcome) {
    case Outcome::Created:
        enter(Step::Done);
        m_terminal->say(tr("Your account @%1 is ready.").arg(m_username));
        Q_EMIT created();
        return;
    case Outcome::UsernameTaken:
        m_terminal->say(tr("@%1 was taken a moment ago.").arg(m_username));
        offerSuggestions(m_client->suggestions());
        askUsername();
        return;
    case Outcome::InvalidUsername:
        m_terminal->say(UsernameMessages::describeCode(m_client->usernameReason()));
        askUsername();
        return;
    case Outcome::TermsNotAccepted:
        m_termsVersion = m_client->termsVersion();
        m_terminal->say(tr("The terms of service have changed."));
        askTerms();
        return;
    case Outcome::EmailInUse: {
        const QStringList providers = m_client->providers();
        giveUp(providers.isEmpty()
                   ? tr("%1 already belongs to a Latchkey account. Sign in with the provider you used for it: "
                        "latchkey login")
                         .arg(m_client->context().email)
                   : tr("%1 already belongs to a Latchkey account that signs in with %2. Sign in with %2 "
                        "instead: latchkey login")
                         .arg(m_client->context().email, providers.join(tr(" or "))));
        return;
    }
    case Outcome::TokenInvalid:
    case Outcome::AlreadyCompleted:
        giveUp(tr("This registration is no longer valid (it expired, or the account was already created). "
                  "Start again: latchkey login"));
        return;
    case Outcome::RateLimited:
    case Outcome::NetworkFailure:
    case Outcome::Failed:
        m_terminal->say(tr("The account could not be created: %1").arg(ErrorMessages::sentence(m_client->lastError())));
        m_terminal->ask(tr("Press Enter to try again, or Ctrl+C to stop. "));
        answer([this](const QString &) {
            m_terminal->say(tr("Creating your account…"));
            m_client->submit(m_username, m_name, m_termsVersion);
        });
        return;
    }
}

void TerminalOnboarding::giveUp(const QString &why)
{
    enter(Step::Done);
    m_terminal->say(why);
    Q_EMIT abandoned();
}
