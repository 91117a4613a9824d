#include "OnboardingWizard.h"

#include "CountdownLabel.h"
#include "CreateAccountPage.h"
#include "LinkAccountPage.h"
#include "OnboardingClient.h"
#include "ProfilePage.h"
#include "TermsPage.h"
#include "WelcomePage.h"

#include <QApplication>
#include <QLayout>
#include <QMessageBox>
#include <QPixmapCache>
#include <QPushButton>
#include <QTimer>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace {
// Issue 12: the app is to be back at its idle figure soon after the wizard.
// The style's pixmaps of the wizard's widgets stay in the process-wide cache
// (it shrinks by itself only over minutes), and glibc keeps the heap pages
// the wizard's objects freed unless asked to return them.
void releaseWizardMemory()
{
    QPixmapCache::clear();
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}
} // namespace

OnboardingWizard::OnboardingWizard(OnboardingClient *client, QNetworkAccessManager *manager,
                                   std::function<qint64()> clock, QWidget *parent)
    : QWizard(parent)
    , m_profile(new ProfilePage(client, this))
    , m_create(new CreateAccountPage(client, this))
{
    setObjectName(QStringLiteral("onboardingWizard"));
    setWindowTitle(tr("Create your Latchkey account"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnLastPage, false);
    setButtonText(QWizard::FinishButton, tr("&Create account"));
    const OnboardingContext &c = client->context();
    setPage(WelcomeId, new WelcomePage(c, this));
    setPage(ProfileId, m_profile);
    if (!c.termsOfService.isEmpty()) {
        m_terms = new TermsPage(c.termsOfService, manager, this);
        setPage(TermsId, m_terms);
    }
    setPage(CreateId, m_create);
    if (!c.linkRequestEndpoint.isEmpty()) {
        m_link = new LinkAccountPage(client, this);
        setPage(LinkId, m_link);
        connect(m_create, &CreateAccountPage::linkOffered, this, &QWizard::next);
        connect(m_link, &LinkAccountPage::linkReady, this, &OnboardingWizard::linkReady);
        connect(m_link, &LinkAccountPage::signInInsteadRequested, this, [this](const QString &provider) {
            dismiss();
            Q_EMIT signInInsteadRequested(provider);
        });
        connect(m_link, &LinkAccountPage::restartRequested, this, [this] {
            dismiss();
            Q_EMIT restartRequested();
        });
    }
    for (int id : pageIds()) {
        if (id != WelcomeId)
            page(id)->layout()->addWidget(new CountdownLabel(c.expiresAt, clock, page(id)));
    }
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("createAccountButton"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("nextButton"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("backButton"));
    button(QWizard::CancelButton)->setObjectName(QStringLiteral("cancelButton"));

    connect(m_create, &CreateAccountPage::backToProfile, this,
            [this](const QString &message, const QStringList &suggestions) {
                goBackTo(ProfileId);
                m_profile->showServerVerdict(message, suggestions);
            });
    connect(m_create, &CreateAccountPage::backToTerms, this, [this](const QString &reason) {
        goBackTo(TermsId);
        if (m_terms)
            m_terms->reload(reason);
    });
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        // Nothing to go back to from the link page: this address can't get a second account.
        setOption(QWizard::NoBackButtonOnLastPage, id == LinkId);
        QTimer::singleShot(0, this, &OnboardingWizard::keepKeyboardFocus); // after the page placed its own
    });
    connect(m_create, &CreateAccountPage::restartRequested, this, [this] {
        dismiss();
        Q_EMIT restartRequested();
    });
    resize(sizeHint().expandedTo(QSize(640, 520)));
    // Queued: by then the pages and the window's backing store are gone too.
    connect(this, &QObject::destroyed, qApp, [] { QTimer::singleShot(0, qApp, releaseWizardMemory); });
}

void OnboardingWizard::keepKeyboardFocus()
{
    // The button a person pressed may have been hidden by the page change
    // (Next becomes Create account): focus must not fall into nothing, or a
    // screen reader announces nothing and Space does nothing.
    const QWidget *focused = QApplication::focusWidget();
    if (!currentPage() || !isVisible() || (focused && focused->isVisible() && isAncestorOf(focused)))
        return;
    for (QWidget *candidate = currentPage()->nextInFocusChain(); candidate && currentPage()->isAncestorOf(candidate);
         candidate = candidate->nextInFocusChain()) {
        if (candidate->isVisible() && candidate->isEnabled() && (candidate->focusPolicy() & Qt::TabFocus)) {
            candidate->setFocus(Qt::TabFocusReason);
            return;
        }
    }
    for (WizardButton which : {FinishButton, NextButton}) {
        if (button(which)->isVisible()) {
            button(which)->setFocus(Qt::TabFocusReason);
            return;
        }
    }
}

void OnboardingWizard::goBackTo(int id)
{
    while (currentId() != id && currentId() != WelcomeId)
        back();
}

void OnboardingWizard::reject()
{
    // On the link page the person already knows they have an account: what
    // stops is the link, and nothing is created either way.
    const bool linking = qobject_cast<LinkAccountPage *>(currentPage()) != nullptr;
    QMessageBox question(QMessageBox::Question, linking ? tr("Stop linking?") : tr("Cancel registration?"),
                         linking ? tr("Nothing will be linked, and no new account is created. You can still sign in "
                                      "with the provider you signed up with.")
                                 : tr("Your account will not be created, and what you entered is discarded."),
                         QMessageBox::NoButton, this);
    question.setObjectName(QStringLiteral("cancelRegistrationQuestion"));
    question.setTextFormat(Qt::PlainText);
    QPushButton *discard = question.addButton(linking ? tr("&Stop linking") : tr("&Discard registration"),
                                              QMessageBox::DestructiveRole);
    discard->setObjectName(QStringLiteral("discardButton"));
    QPushButton *keep = question.addButton(tr("&Keep going"), QMessageBox::RejectRole);
    keep->setObjectName(QStringLiteral("keepGoingButton"));
    question.setDefaultButton(keep);
    question.exec();
    if (question.clickedButton() != discard)
        return;
    QWizard::reject();
    Q_EMIT cancelled();
}

void OnboardingWizard::dismiss()
{
    // QDialog's, not QWizard's: that one would validate (submit) the current page again.
    QDialog::done(QDialog::Accepted);
}
