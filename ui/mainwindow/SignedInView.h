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
    // `accessEnded`: the access token ran out and is not renewed yet (offline).
    void setAccount(const AccountProfile &profile, qint64 accessExpiresAt, bool renews, bool accessEnded,
                    const QString &warning);
    // After a link: "Google is now linked to your account; …"; empty: none.
    void setConfirmation(const QString &text);
    // "Sign-in methods…" only where the server offers them.
    void setSignInMethodsAvailable(bool available);
    // While a renewal cannot reach the server: one quiet line and "Try now"; empty: none.
    void setRenewalProblem(const QString &text);

Q_SIGNALS:
    void signOutRequested();
    void signInMethodsRequested();
    void renewNowRequested();

private:
    QLabel *m_initials;
    QLabel *m_name;
    QLabel *m_username;
    QLabel *m_email;
    QLabel *m_provider;
    QLabel *m_expiry;
    QLabel *m_warning;
    QLabel *m_confirmation;
    QLabel *m_renewal;
    QPushButton *m_renewNow;
    QPushButton *m_methods;
};
