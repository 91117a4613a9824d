#include "SignInMethodsDialog.h"

#include "ErrorCodes.h"
#include "ErrorMessages.h"
#include "Style.h"
#include "WrappingLabel.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

SignInMethodsDialog::SignInMethodsDialog(SignInMethods *methods, QWidget *parent)
    : QDialog(parent)
    , m_methods(methods)
    , m_list(new QTreeWidget(this))
    , m_addable(new QComboBox(this))
    , m_add(new QPushButton(tr("&Add"), this))
    , m_remove(new QPushButton(tr("&Remove…"), this))
    , m_progress(new QProgressBar(this))
    , m_status(new WrappingLabel(this))
    , m_cancel(new QPushButton(tr("&Cancel"), this))
{
    setObjectName(QStringLiteral("signInMethodsDialog"));
    setWindowTitle(tr("Sign-in methods"));
    auto *intro = new WrappingLabel(tr("You can sign in to your account with each of these."), this);
    m_list->setObjectName(QStringLiteral("identitiesList"));
    m_list->setAccessibleName(tr("Sign-in methods"));
    m_list->setHeaderLabels({tr("Provider"), tr("Email"), tr("Linked")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_addable->setObjectName(QStringLiteral("addProviderCombo"));
    m_addable->setAccessibleName(tr("Provider to add"));
    m_add->setObjectName(QStringLiteral("addMethodButton"));
    m_remove->setObjectName(QStringLiteral("removeMethodButton"));
    m_progress->setObjectName(QStringLiteral("methodsProgress"));
    m_progress->setRange(0, 0);
    m_progress->setTextVisible(false);
    m_progress->setAccessibleName(tr("Working"));
    Style::status(m_status);
    m_status->setObjectName(QStringLiteral("methodsStatusLabel"));
    m_cancel->setObjectName(QStringLiteral("cancelMethodsButton"));
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    close->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("closeMethodsButton"));

    auto *addRow = new QHBoxLayout;
    auto *addLabel = new QLabel(tr("A&dd a provider:"), this);
    addLabel->setBuddy(m_addable);
    addRow->addWidget(addLabel);
    addRow->addWidget(m_addable, 1);
    addRow->addWidget(m_add);
    auto *busyRow = new QHBoxLayout;
    busyRow->addWidget(m_progress, 1);
    busyRow->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_remove, 0, Qt::AlignLeft);
    layout->addLayout(addRow);
    layout->addLayout(busyRow);
    layout->addWidget(m_status);
    layout->addWidget(close);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_add, &QPushButton::clicked, this, [this] { m_methods->add(m_addable->currentData().toString()); });
    connect(m_remove, &QPushButton::clicked, this, &SignInMethodsDialog::askRemove);
    connect(m_cancel, &QPushButton::clicked, m_methods, &SignInMethods::cancel);
    connect(m_list, &QTreeWidget::currentItemChanged, this, &SignInMethodsDialog::updateButtons);
    // Assistive technology selects a row without making it current (AT-SPI's
    // Toggle on a cell): Remove must act on the row the person selected.
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, [this] {
        const QList<QTreeWidgetItem *> selected = m_list->selectedItems();
        if (!selected.isEmpty() && selected.first() != m_list->currentItem())
            m_list->setCurrentItem(selected.first());
        updateButtons();
    });
    connect(m_methods, &SignInMethods::identitiesChanged, this, &SignInMethodsDialog::showIdentities);
    connect(m_methods, &SignInMethods::stateChanged, this, &SignInMethodsDialog::showState);
    connect(m_methods, &SignInMethods::finished, this, &SignInMethodsDialog::onFinished);
    showIdentities();
    showState(m_methods->state());
    resize(sizeHint().expandedTo(QSize(520, 360)));
}

QString SignInMethodsDialog::loadingText()
{
    return tr("Loading your sign-in methods…");
}

QString SignInMethodsDialog::nameOf(const QString &providerId) const
{
    for (const IdentityInfo &identity : m_methods->identities()) {
        if (identity.providerId == providerId)
            return identity.provider;
    }
    for (const UpstreamProviderInfo &provider : m_methods->addable()) {
        if (provider.id == providerId)
            return provider.name;
    }
    return providerId;
}

QString SignInMethodsDialog::selectedProvider() const
{
    const QTreeWidgetItem *item = m_list->currentItem();
    return item ? item->data(0, Qt::UserRole).toString() : QString();
}

void SignInMethodsDialog::showIdentities()
{
    const QString selected = selectedProvider();
    m_list->clear();
    for (const IdentityInfo &identity : m_methods->identities()) {
        const QString linked = identity.linkedAt > 0
            ? QLocale().toString(QDateTime::fromSecsSinceEpoch(identity.linkedAt).date(), QLocale::ShortFormat)
            : QString();
        auto *item = new QTreeWidgetItem(m_list,
                                         {identity.provider, identity.email.isEmpty() ? tr("no email") : identity.email,
                                          linked});
        item->setData(0, Qt::UserRole, identity.providerId);
        if (identity.providerId == selected)
            m_list->setCurrentItem(item);
    }
    if (!m_list->currentItem() && m_list->topLevelItemCount() > 0)
        m_list->setCurrentItem(m_list->topLevelItem(0));
    m_addable->clear();
    for (const UpstreamProviderInfo &provider : m_methods->addable())
        m_addable->addItem(provider.name, provider.id);
    updateButtons();
}

void SignInMethodsDialog::updateButtons()
{
    const bool idle = !m_methods->isBusy();
    const QString selected = selectedProvider();
    m_remove->setEnabled(idle && m_methods->canRemove(selected));
    m_remove->setToolTip(m_methods->identities().size() == 1 ? tr("Your only sign-in method can't be removed.")
                                                             : QString());
    m_remove->setAccessibleDescription(m_remove->toolTip());
    m_add->setEnabled(idle && m_addable->count() > 0);
    m_addable->setEnabled(idle && m_addable->count() > 0);
}

void SignInMethodsDialog::showState(SignInMethods::State state)
{
    using State = SignInMethods::State;
    const QString provider = nameOf(m_methods->pendingProvider());
    switch (state) {
    case State::Idle:
        break;
    case State::Loading:
        if (m_methods->identities().isEmpty()) // a reload keeps the outcome of what came before on show
            m_status->setText(loadingText());
        break;
    case State::RequestingLink:
        m_status->setText(tr("Preparing to add %1…").arg(provider));
        break;
    case State::InBrowser:
        m_status->setText(tr("Continue in your browser: sign in with %1 to add it to your account.").arg(provider));
        break;
    case State::Reauthenticating:
        m_status->setText(tr("For your security, sign in again first. Continue in your browser; then Latchkey "
                             "finishes by itself."));
        break;
    case State::Removing:
        m_status->setText(tr("Removing %1…").arg(provider));
        break;
    }
    const bool busy = state != State::Idle;
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    if (busy && !m_cancel->hasFocus())
        m_cancel->setFocus();
    updateButtons();
}

void SignInMethodsDialog::onFinished(SignInMethods::Operation operation, const QString &providerId,
                                     const ClientError &error)
{
    using Operation = SignInMethods::Operation;
    const QString provider = nameOf(providerId);
    if (error.ok()) {
        if (operation == Operation::Add) {
            QStringList before;
            for (const IdentityInfo &identity : m_methods->identities())
                before.append(identity.provider);
            m_status->setText(ErrorMessages::linkConfirmation(provider, before));
        } else if (operation == Operation::Remove) {
            m_status->setText(tr("%1 was removed: you can no longer sign in with it.").arg(provider));
        } else if (m_status->text() == loadingText()) {
            m_status->clear(); // a reload keeps the outcome of the add or remove before it
        }
        return;
    }
    if (error.code == ClientError::Code::Cancelled) {
        m_status->setText(tr("Cancelled. Nothing was changed."));
    } else if (error.code == ClientError::Code::LinkNotMade) {
        m_status->setText(ErrorMessages::linkNotMade(error));
    } else if (error.serverError == QLatin1String(ErrorCode::LastIdentity)) {
        m_status->setText(tr("%1 is your only sign-in method, so it can't be removed.").arg(provider));
    } else if (operation == Operation::Remove && error.httpStatus == 404) {
        m_status->setText(tr("%1 was not linked to your account any more.").arg(provider));
    } else if (error.code == ClientError::Code::AccessDenied) {
        m_status->setText(tr("Signing in was cancelled in the browser. Nothing was changed."));
    } else if (operation == Operation::Load) {
        m_status->setText(tr("Your sign-in methods could not be loaded: %1").arg(ErrorMessages::sentence(error)));
    } else {
        m_status->setText(tr("Nothing was changed: %1").arg(ErrorMessages::sentence(error)));
    }
}

void SignInMethodsDialog::askRemove()
{
    const QString providerId = selectedProvider();
    if (!m_methods->canRemove(providerId))
        return;
    const QString provider = nameOf(providerId);
    QMessageBox question(QMessageBox::Question, tr("Remove %1?").arg(provider),
                         tr("You will no longer be able to sign in to this account with %1.").arg(provider),
                         QMessageBox::NoButton, this);
    question.setObjectName(QLatin1String(RemoveQuestionName));
    question.setTextFormat(Qt::PlainText);
    QPushButton *remove = question.addButton(tr("&Remove %1").arg(provider), QMessageBox::DestructiveRole);
    remove->setObjectName(QStringLiteral("confirmRemoveButton"));
    QPushButton *keep = question.addButton(tr("&Keep it"), QMessageBox::RejectRole);
    keep->setObjectName(QStringLiteral("keepMethodButton"));
    question.setDefaultButton(keep);
    question.exec();
    if (question.clickedButton() == remove)
        m_methods->remove(providerId);
}
