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
class SignInMethods;
class SignInMethodsDialog;
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
    SignInMethodsDialog *signInMethodsDialog() const;

public Q_SLOTS:
    void showSignInMethods();

    void showSettings();

private:
    void createMenus();
    void onStateChanged(SessionManager::State state);
    // The quiet "offline, tries again at …" line of the signed-in view.
    void showRenewal();
    void openWizard();
    void closeWizard();
    void signInInstead(const QString &providerName);
    void openBrowser(const QUrl &url);
    void bringToFront();
    QString signedOutReason() const;
    // The views are built the first time their state is entered, not all
    // up front: only the first one shown is on the path to the first frame.
    SignedOutView *signedOutView();
    WaitingView *waitingView();
    BusyView *busyView();
    SignedInView *signedInView();
    ErrorView *errorView();
    void addView(QWidget *view, const QString &objectName);
    void showBusy(const QString &text);
    static QString restoringText();

    SessionManager *m_session;
    QNetworkAccessManager *m_manager;
    QSettings *m_settings;
    QStackedWidget *m_stack;
    SignedOutView *m_signedOut = nullptr;
    WaitingView *m_waiting = nullptr;
    BusyView *m_busy = nullptr;
    SignedInView *m_signedIn = nullptr;
    ErrorView *m_error = nullptr;
    QPointer<OnboardingWizard> m_wizard;
    SignInMethods *m_methods = nullptr;
    QPointer<SignInMethodsDialog> m_methodsDialog;
};
