#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

// "Sign in": what Latchkey is, which server it uses, and why the person was
// signed out, when there is a reason to tell.
class SignedOutView : public QWidget
{
    Q_OBJECT
public:
    explicit SignedOutView(QWidget *parent = nullptr);
    void setServer(const QString &issuer);
    void setReason(const QString &reason);

Q_SIGNALS:
    void signInRequested();
    void settingsRequested();

private:
    QLabel *m_server;
    QLabel *m_reason;
    QPushButton *m_signIn;
};
