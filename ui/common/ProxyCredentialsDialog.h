#pragma once

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLineEdit;
struct ProxyCredentialsPrompt;

// The user name and password a proxy asks for (HTTP 407), with "Remember
// this password" off unless the person ticks it: a shared computer must not
// keep it by accident.
class ProxyCredentialsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ProxyCredentialsDialog(const ProxyCredentialsPrompt &prompt, QWidget *parent = nullptr);

    // Shows the dialog modally and writes the answer into `prompt`, as
    // ProxyCredentials::credentialsRequired wants before it returns.
    static void answer(ProxyCredentialsPrompt *prompt, QWidget *parent);

private:
    void updateOk();

    QLineEdit *m_user;
    QLineEdit *m_password;
    QCheckBox *m_remember;
    QDialogButtonBox *m_buttons;
};
