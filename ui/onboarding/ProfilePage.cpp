#include "ProfilePage.h"

#include "ErrorMessages.h"
#include "OnboardingClient.h"
#include "Style.h"
#include "UsernameMessages.h"
#include "WizardFields.h"
#include "WrappingLabel.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

ProfilePage::ProfilePage(OnboardingClient *client, QWidget *parent)
    : QWizardPage(parent)
    , m_client(client)
    , m_name(new QLineEdit(this))
    , m_username(new QLineEdit(this))
    , m_status(new WrappingLabel(this))
    , m_suggestionsLabel(new QLabel(tr("Suggestions:"), this))
{
    setObjectName(QStringLiteral("profilePage"));
    setTitle(tr("Your profile"));
    setSubTitle(tr("This is how others see you. You can change your display name later; the username stays."));
    const OnboardingContext &c = client->context();

    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_name->setAccessibleName(tr("Display name"));
    m_name->setMaxLength(200);
    m_username->setObjectName(QStringLiteral("usernameEdit"));
    m_username->setAccessibleName(tr("Username"));
    m_username->setMaxLength(40); // the rules say 30; a little room lets "too long" be explained
    auto *email = new WrappingLabel(this);
    email->setObjectName(QStringLiteral("emailLabel"));
    email->setTextFormat(Qt::PlainText);
    email->setText(c.email.isEmpty()     ? tr("%1 shared no email address").arg(c.provider)
                       : c.emailVerified ? tr("%1 — verified by %2").arg(c.email, c.provider)
                                         : tr("%1 — not verified").arg(c.email));
    email->setAccessibleName(tr("Email"));
    Style::status(m_status);
    m_status->setObjectName(QStringLiteral("usernameStatusLabel"));
    m_status->setAccessibleName(tr("Username status"));

    auto *suggestionRow = new QHBoxLayout;
    suggestionRow->addWidget(m_suggestionsLabel);
    for (int i = 0; i < MaxSuggestions; ++i) {
        auto *button = new QPushButton(this);
        button->setObjectName(QStringLiteral("suggestionButton%1").arg(i));
        button->setAutoDefault(false);
        connect(button, &QPushButton::clicked, this, [this, button] {
            m_username->setText(button->text());
            m_username->setFocus();
        });
        m_suggestions.append(button);
        suggestionRow->addWidget(button);
    }
    suggestionRow->addStretch(1);

    auto *form = new QFormLayout;
    form->addRow(tr("&Display name:"), m_name);
    form->addRow(tr("Email:"), email);
    form->addRow(tr("&Username:"), m_username);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addLayout(suggestionRow);
    layout->addStretch(1);

    registerField(QLatin1String(WizardFields::Name), m_name);
    registerField(QLatin1String(WizardFields::Username), m_username);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(DebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &ProfilePage::startCheck);
    // textChanged, not textEdited: assistive technology sets text programmatically.
    connect(m_username, &QLineEdit::textChanged, this, &ProfilePage::onUsernameEdited);
    connect(client, &OnboardingClient::usernameChecked, this, &ProfilePage::onChecked);
    connect(client, &OnboardingClient::usernameCheckFailed, this, &ProfilePage::onCheckFailed);
    showStatus(Check::None, {});
}

void ProfilePage::initializePage()
{
    const OnboardingContext &c = m_client->context();
    if (m_name->text().isEmpty()) {
        m_name->setText(c.name);
        m_name->setCursorPosition(0); // a long name shows its beginning, not its tail
    }
    if (m_username->text().isEmpty()) {
        m_username->setText(UsernameRules::normalizeInput(c.preferredUsername));
        if (m_username->text().isEmpty())
            onUsernameEdited({}); // nothing suggested: say what to do
    }
    // After QWizard has placed its own focus: the username is the choice to make here.
    QTimer::singleShot(0, m_username, qOverload<>(&QWidget::setFocus));
}

bool ProfilePage::isComplete() const
{
    if (UsernameRules::check(m_username->text()) != UsernameRules::Reason::Ok || m_checkedUsername != m_username->text())
        return false;
    // When availability cannot be checked, "Create account" will tell.
    return m_check == Check::Available || m_check == Check::Unknown;
}

void ProfilePage::onUsernameEdited(const QString &text)
{
    const QString lowered = UsernameRules::normalizeInput(text);
    if (lowered != text) {
        const int cursor = m_username->cursorPosition();
        m_username->setText(lowered); // comes back here with the lowered text
        m_username->setCursorPosition(cursor);
        return;
    }
    m_debounce.stop();
    m_checkedUsername.clear();
    const auto reason = UsernameRules::check(lowered);
    if (lowered.isEmpty())
        showStatus(Check::None, tr("Choose a username."));
    else if (reason != UsernameRules::Reason::Ok)
        showStatus(Check::None, UsernameMessages::describe(reason));
    else {
        showStatus(Check::Checking, tr("Checking whether “%1” is available…").arg(lowered));
        m_debounce.start();
    }
    Q_EMIT completeChanged();
}

void ProfilePage::startCheck()
{
    m_client->checkUsername(m_username->text());
}

void ProfilePage::onChecked(const UsernameCheckJob::Result &result)
{
    if (result.username != m_username->text())
        return; // an answer about what was typed before
    m_checkedUsername = result.username;
    if (result.available)
        showStatus(Check::Available, tr("✓ “%1” is available.").arg(result.username));
    else
        showStatus(Check::Unavailable, QStringLiteral("✗ ") + UsernameMessages::describeCode(result.reason),
                   result.suggestions);
    Q_EMIT completeChanged();
}

void ProfilePage::onCheckFailed(const QString &username, const ClientError &error)
{
    if (username != m_username->text())
        return;
    m_checkedUsername = username;
    showStatus(Check::Unknown,
               tr("Availability could not be checked (%1). It will be checked when you create "
                  "the account.")
                   .arg(ErrorMessages::sentence(error)));
    Q_EMIT completeChanged();
}

void ProfilePage::showServerVerdict(const QString &message, const QStringList &suggestions)
{
    m_debounce.stop();
    m_checkedUsername = m_username->text();
    showStatus(Check::Unavailable, QStringLiteral("✗ ") + message, suggestions);
    m_username->setFocus();
    m_username->selectAll();
    Q_EMIT completeChanged();
}

void ProfilePage::showStatus(Check check, const QString &text, const QStringList &suggestions)
{
    m_check = check;
    m_status->setText(text);
    m_status->setAccessibleDescription(text);
    for (int i = 0; i < m_suggestions.size(); ++i) {
        m_suggestions[i]->setVisible(i < suggestions.size());
        if (i < suggestions.size()) {
            m_suggestions[i]->setText(suggestions.at(i));
            m_suggestions[i]->setAccessibleName(tr("Use the username %1").arg(suggestions.at(i)));
        }
    }
    m_suggestionsLabel->setVisible(!suggestions.isEmpty());
}
