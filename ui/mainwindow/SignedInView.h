#pragma once

#include "StoredSession.h"

#include <QWidget>

class QLabel;
class QPushButton;

// Who is signed in: name, username, email with its verified state, the
// provider, how long the current access lasts, and "Sign out".
class SignedInView : public QWidget
{
    Q_OBJECT
public:
    explicit SignedInView(QWidget *parent = nullptr);
    void setAccount(const AccountProfile &profile, qint64 accessExpiresAt, bool renews, const QString &warning);
    // After a link: "Google is now linked to your account; …"; empty: none.
    void setConfirmation(const QString &text);
    // "Sign-in methods…" only where the server offers them.
    void setSignInMethodsAvailable(bool available);

Q_SIGNALS:
    void signOutRequested();
    void signInMethodsRequested();

private:
    QLabel *m_initials;
    QLabel *m_name;
    QLabel *m_username;
    QLabel *m_email;
    QLabel *m_provider;
    QLabel *m_expiry;
    QLabel *m_warning;
    QLabel *m_confirmation;
    QPushButton *m_methods;
};
