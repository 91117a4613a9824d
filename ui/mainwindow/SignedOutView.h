#pragma once

#include "UpstreamProviderInfo.h"

#include <QList>
#include <QWidget>

class QLabel;
class QPushButton;
class QVBoxLayout;

// "Sign in": what Latchkey is, which server it uses, and why the person was
// signed out, when there is a reason to tell. One "Continue with …" button
// per provider the server lists; a plain "Sign in" where it lists none.
class SignedOutView : public QWidget
{
    Q_OBJECT
public:
    explicit SignedOutView(QWidget *parent = nullptr);
    void setServer(const QString &issuer);
    // `detail`: the server's own words beneath the reason, shown as plain text.
    void setReason(const QString &reason, const QString &detail = {});
    // The providers of the server's discovery document, in its order; empty:
    // the plain Sign in button.
    void setUpstreamProviders(const QList<UpstreamProviderInfo> &providers);

Q_SIGNALS:
    // `provider`: the id of the button pressed; empty for the plain Sign in.
    void signInRequested(const QString &provider);
    void settingsRequested();

private:
    QPushButton *addProviderButton(const UpstreamProviderInfo &provider);
    void updateTabOrder();

    QLabel *m_server;
    QLabel *m_reason;
    QLabel *m_reasonDetail;
    QPushButton *m_signIn;
    QPushButton *m_settings;
    QVBoxLayout *m_providerLayout;
    QList<UpstreamProviderInfo> m_providers;
    QList<QPushButton *> m_providerButtons;
};
