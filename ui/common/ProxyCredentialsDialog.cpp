#include "ProxyCredentialsDialog.h"

#include "ProxyCredentialsPrompt.h"
#include "Style.h"
#include "WrappingLabel.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

ProxyCredentialsDialog::ProxyCredentialsDialog(const ProxyCredentialsPrompt &prompt, QWidget *parent)
    : QDialog(parent)
    , m_user(new QLineEdit(prompt.user, this))
    , m_password(new QLineEdit(this))
    , m_remember(new QCheckBox(tr("&Remember this password"), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("proxyCredentialsDialog"));
    setWindowTitle(tr("Proxy sign-in"));
    auto *intro = new WrappingLabel(tr("The proxy server %1 asks for your user name and password.").arg(prompt.proxy),
                                    this);
    intro->setObjectName(QStringLiteral("proxyIntroLabel"));
    auto *retry
        = new WrappingLabel(tr("The proxy did not accept the user name and password. Check them and try again."), this);
    retry->setObjectName(QStringLiteral("proxyRetryLabel"));
    Style::status(retry);
    retry->setVisible(prompt.retry);
    m_user->setObjectName(QStringLiteral("proxyUserEdit"));
    m_user->setAccessibleName(tr("Proxy user name"));
    m_password->setObjectName(QStringLiteral("proxyPasswordEdit"));
    m_password->setAccessibleName(tr("Proxy password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_remember->setObjectName(QStringLiteral("proxyRememberCheck"));
    m_remember->setAccessibleName(tr("Remember this password"));
    m_remember->setToolTip(tr("Kept in this computer's keychain, and used without asking next time."));
    m_remember->setChecked(false);
    m_buttons->setObjectName(QStringLiteral("proxyButtons"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("proxyOkButton"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Sign in"));
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("proxyCancelButton"));

    auto *form = new QFormLayout;
    form->addRow(tr("&User name:"), m_user);
    form->addRow(tr("&Password:"), m_password);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(retry);
    layout->addLayout(form);
    layout->addWidget(m_remember);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_user, &QLineEdit::textChanged, this, &ProxyCredentialsDialog::updateOk);
    updateOk();
    // Room for a long proxy name without a wall of narrow lines.
    setMinimumWidth(fontMetrics().averageCharWidth() * 52);
    (prompt.user.isEmpty() ? m_user : m_password)->setFocus();
}

void ProxyCredentialsDialog::updateOk()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!m_user->text().trimmed().isEmpty());
}

void ProxyCredentialsDialog::answer(ProxyCredentialsPrompt *prompt, QWidget *parent)
{
    ProxyCredentialsDialog dialog(*prompt, parent);
    prompt->accepted = dialog.exec() == QDialog::Accepted;
    if (!prompt->accepted)
        return;
    prompt->user = dialog.m_user->text().trimmed();
    prompt->password = dialog.m_password->text();
    prompt->remember = dialog.m_remember->isChecked();
}
