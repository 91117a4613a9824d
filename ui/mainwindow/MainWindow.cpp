#include "MainWindow.h"

#include "BrowserLauncher.h"
#include "BusyView.h"
#include "ErrorMessages.h"
#include "ErrorView.h"
#include "OnboardingWizard.h"
#include "Settings.h"
#include "SettingsDialog.h"
#include "SignInMethods.h"
#include "SignInMethodsDialog.h"
#include "SignedInView.h"
#include "SignedOutView.h"
#include "UiLogging.h"
#include "WaitingView.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>

MainWindow::MainWindow(SessionManager *session, QNetworkAccessManager *manager, QSettings *settings, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_manager(manager)
    , m_settings(settings)
    , m_stack(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Latchkey"));
    setCentralWidget(m_stack);
    createMenus();
    setMinimumSize(420, 340);
    resize(580, 440);

    connect(m_session, &SessionManager::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_session, &SessionManager::browserReturned, this, &MainWindow::bringToFront);
    connect(m_session, &SessionManager::authorizeWithBrowser, this, &MainWindow::openBrowser);
    connect(m_session, &SessionManager::refreshed, this, [this] { onStateChanged(m_session->state()); });
    connect(m_session, &SessionManager::renewalChanged, this, &MainWindow::showRenewal);
    connect(m_session, &SessionManager::upstreamProvidersChanged, this,
            [this](const QList<UpstreamProviderInfo> &providers) {
                if (m_signedOut) // a view built later reads the list when it is built
                    m_signedOut->setUpstreamProviders(providers);
                if (m_signedIn) // discovery came after a restored session: linking may be there
                    m_signedIn->setSignInMethodsAvailable(m_session->supportsLinking());
            });
    // A remembered session is restored once the window is up (restore());
    // until then it says so, rather than offering to sign in.
    if (m_session->hasRememberedSession())
        showBusy(restoringText());
    else
        onStateChanged(m_session->state());
}

QString MainWindow::restoringText()
{
    return tr("Restoring your session…");
}

void MainWindow::addView(QWidget *view, const QString &objectName)
{
    view->setObjectName(objectName);
    view->setContentsMargins(24, 12, 24, 12);
    m_stack->addWidget(view);
}

SignedOutView *MainWindow::signedOutView()
{
    if (m_signedOut)
        return m_signedOut;
    m_signedOut = new SignedOutView(m_stack);
    addView(m_signedOut, QStringLiteral("signedOutView"));
    connect(m_signedOut, &SignedOutView::signInRequested, m_session, &SessionManager::signIn);
    connect(m_signedOut, &SignedOutView::settingsRequested, this, &MainWindow::showSettings);
    m_signedOut->setUpstreamProviders(m_session->upstreamProviders());
    return m_signedOut;
}

WaitingView *MainWindow::waitingView()
{
    if (m_waiting)
        return m_waiting;
    m_waiting = new WaitingView(m_stack);
    addView(m_waiting, QStringLiteral("waitingView"));
    connect(m_waiting, &WaitingView::openAgainRequested, m_session, &SessionManager::openBrowserAgain);
    connect(m_waiting, &WaitingView::cancelRequested, m_session, &SessionManager::cancel);
    return m_waiting;
}

BusyView *MainWindow::busyView()
{
    if (m_busy)
        return m_busy;
    m_busy = new BusyView(m_stack);
    addView(m_busy, QStringLiteral("busyView"));
    return m_busy;
}

SignedInView *MainWindow::signedInView()
{
    if (m_signedIn)
        return m_signedIn;
    m_signedIn = new SignedInView(m_stack);
    addView(m_signedIn, QStringLiteral("signedInView"));
    connect(m_signedIn, &SignedInView::signOutRequested, m_session, &SessionManager::signOut);
    connect(m_signedIn, &SignedInView::signInMethodsRequested, this, &MainWindow::showSignInMethods);
    connect(m_signedIn, &SignedInView::renewNowRequested, m_session, &SessionManager::refreshNow);
    return m_signedIn;
}

ErrorView *MainWindow::errorView()
{
    if (m_error)
        return m_error;
    m_error = new ErrorView(m_stack);
    addView(m_error, QStringLiteral("errorView"));
    connect(m_error, &ErrorView::retryRequested, m_session, &SessionManager::signInAgain);
    connect(m_error, &ErrorView::settingsRequested, this, &MainWindow::showSettings);
    connect(m_error, &ErrorView::dismissRequested, m_session, &SessionManager::cancel);
    connect(m_error, &ErrorView::copyDetailsRequested, this, [this] {
        QApplication::clipboard()->setText(m_session->diagnostics().report());
        qCInfo(lcUi) << "diagnostics report copied to the clipboard";
    });
    return m_error;
}

void MainWindow::createMenus()
{
    QMenu *app = menuBar()->addMenu(tr("&Latchkey"));
    QAction *settings = app->addAction(tr("&Server settings…"), this, &MainWindow::showSettings);
    settings->setObjectName(QStringLiteral("settingsAction"));
    settings->setShortcut(QKeySequence::Preferences);
    app->addSeparator();
    QAction *quit = app->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Latchkey"), this, [this] {
        QMessageBox::about(this, tr("About Latchkey"),
                           tr("<h3>Latchkey %1</h3><p>Sign in on the desktop with an account you already have, "
                              "through your own browser.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

QString MainWindow::signedOutReason() const
{
    using Reason = SessionManager::SignOutReason;
    switch (m_session->signOutReason()) {
    case Reason::UserRequested:
        return tr("You signed out.");
    case Reason::None:
    case Reason::Cancelled:
        return {};
    case Reason::KeychainUnavailable:
        return ErrorMessages::restoreProblem(m_session->error());
    default:
        return ErrorMessages::sentence(m_session->error());
    }
}

void MainWindow::onStateChanged(SessionManager::State state)
{
    using State = SessionManager::State;
    qCDebug(lcUi) << "showing" << state;
    switch (state) {
    case State::SignedOut: {
        closeWizard();
        if (m_methodsDialog)
            m_methodsDialog->close();
        SignedOutView *view = signedOutView();
        view->setServer(m_session->config().issuer);
        view->setReason(signedOutReason(), ErrorMessages::details(m_session->error()));
        m_stack->setCurrentWidget(view);
        m_session->loadUpstreamProviders(); // which buttons to offer: the server's list
        break;
    }
    case State::Restoring:
        showBusy(restoringText());
        break;
    case State::WaitingForBrowser: {
        closeWizard();
        WaitingView *view = waitingView();
        view->setLink(m_session->authorizationUrl());
        view->setProblem(m_session->message());
        m_stack->setCurrentWidget(view);
        break;
    }
    case State::WaitingForDevice: // started from the command line, never by this window
    case State::Exchanging:
        showBusy(tr("Signing you in…"));
        break;
    case State::OnboardingRequired:
        showBusy(tr("Welcome! Finish creating your account in the registration window."));
        openWizard();
        break;
    case State::SignedIn: {
        closeWizard();
        SignedInView *view = signedInView();
        view->setAccount(m_session->profile(), m_session->accessTokenExpiresAt(), m_session->canRenew(),
                         m_session->accessToken().isEmpty(), ErrorMessages::saveProblem(m_session->vaultError()));
        const UpstreamProviderInfo linked = m_session->linkedProvider();
        view->setConfirmation(linked.name.isEmpty()
                                  ? QString()
                                  : ErrorMessages::linkConfirmation(linked.name, m_session->linkedAccountProviders()));
        view->setSignInMethodsAvailable(m_session->supportsLinking());
        showRenewal();
        m_stack->setCurrentWidget(view);
        m_session->loadUpstreamProviders(); // whether the server offers sign-in methods
        break;
    }
    case State::Error: {
        closeWizard();
        if (m_methodsDialog)
            m_methodsDialog->close();
        ErrorView *view = errorView();
        view->setMessage(ErrorMessages::sentence(m_session->error()), ErrorMessages::details(m_session->error()));
        m_stack->setCurrentWidget(view);
        break;
    }
    }
    if (QWidget *view = m_stack->currentWidget())
        view->setFocus();
}

void MainWindow::showBusy(const QString &text)
{
    BusyView *view = busyView();
    view->setText(text);
    m_stack->setCurrentWidget(view);
}

void MainWindow::openWizard()
{
    if (m_wizard || !m_session->onboarding())
        return;
    m_wizard = new OnboardingWizard(m_session->onboarding(), m_manager, m_session->config().clock, this);
    m_wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_wizard, &OnboardingWizard::cancelled, m_session, &SessionManager::cancel);
    connect(m_wizard, &OnboardingWizard::restartRequested, m_session, &SessionManager::signInAgain);
    connect(m_wizard, &OnboardingWizard::linkReady, m_session, &SessionManager::linkAccount);
    connect(m_wizard, &OnboardingWizard::signInInsteadRequested, this, &MainWindow::signInInstead);
    m_wizard->show();
    m_wizard->raise();
    m_wizard->activateWindow();
}

void MainWindow::signInInstead(const QString &providerName)
{
    // email_in_use names providers; the authorization request wants the id.
    QString id;
    for (const UpstreamProviderInfo &provider : m_session->upstreamProviders()) {
        if (provider.name == providerName)
            id = provider.id;
    }
    m_session->signIn(id); // unknown: the server's chooser
}

SignInMethodsDialog *MainWindow::signInMethodsDialog() const
{
    return m_methodsDialog.data();
}

void MainWindow::showSignInMethods()
{
    if (m_methodsDialog) {
        m_methodsDialog->raise();
        m_methodsDialog->activateWindow();
        return;
    }
    if (!m_methods)
        m_methods = new SignInMethods(m_session, m_manager, this);
    m_methodsDialog = new SignInMethodsDialog(m_methods, this);
    m_methodsDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_methodsDialog, &QDialog::finished, m_methods, &SignInMethods::cancel); // closing ends what runs
    m_methodsDialog->open();
    m_methods->load();
}

void MainWindow::closeWizard()
{
    if (m_wizard)
        m_wizard->dismiss();
}

void MainWindow::openBrowser(const QUrl &url)
{
    QString error;
    if (!BrowserLauncher(m_session->config().browserCommand).open(url, &error))
        m_session->reportBrowserProblem(error);
}

void MainWindow::bringToFront()
{
    show();
    setWindowState((windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    raise();
    activateWindow();
}

void MainWindow::showSettings()
{
    const ClientConfig current = m_session->config();
    SettingsDialog dialog(current.issuer, current.clientId, m_manager, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (dialog.issuer() == current.issuer && dialog.clientId() == current.clientId)
        return;
    Settings::Issuer.set(*m_settings, dialog.issuer());
    Settings::ClientId.set(*m_settings, dialog.clientId());
    ClientConfig changed = current;
    changed.issuer = dialog.issuer();
    changed.clientId = dialog.clientId();
    m_session->reconfigure(changed);
}

void MainWindow::showRenewal()
{
    if (!m_signedIn)
        return;
    const QDateTime next = QDateTime::fromSecsSinceEpoch(m_session->nextRenewalAt());
    m_signedIn->setRenewalProblem(
        m_session->isOffline() ? ErrorMessages::renewalProblem(m_session->renewalError(),
                                                               QLocale().toString(next.time(), QLocale::ShortFormat))
                               : QString());
}
