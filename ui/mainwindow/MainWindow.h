#pragma once

#include "OnboardingWizard.h"
#include "SessionManager.h"

#include <QMainWindow>
#include <QPointer>

class BusyView;
class ErrorView;

class QNetworkAccessManager;
class QSettings;
class QStackedWidget;
class SignedInView;
class SignedOutView;
class WaitingView;

// The app's one window: a view per session state, and the registration
// wizard when the session needs onboarding.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(SessionManager *session, QNetworkAccessManager *manager, QSettings *settings, QWidget *parent = nullptr);

    OnboardingWizard *wizard() const { return m_wizard; }

public Q_SLOTS:
    void showSettings();

private:
    void createMenus();
    void onStateChanged(SessionManager::State state);
    void openWizard();
    void closeWizard();
    void openBrowser(const QUrl &url);
    void bringToFront();
    QString signedOutReason() const;

    SessionManager *m_session;
    QNetworkAccessManager *m_manager;
    QSettings *m_settings;
    QStackedWidget *m_stack;
    SignedOutView *m_signedOut;
    WaitingView *m_waiting;
    BusyView *m_busy;
    SignedInView *m_signedIn;
    ErrorView *m_error;
    QPointer<OnboardingWizard> m_wizard;
};
