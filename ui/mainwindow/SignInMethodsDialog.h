#pragma once

#include "SignInMethods.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTreeWidget;

// The account's sign-in methods, from the signed-in view: each linked
// provider with its email and when it was linked; "Add" for a provider the
// server offers that is not linked yet (a browser sign-in there), "Remove"
// after a confirmation, never for the last one. Every wait shows progress
// and can be cancelled; every outcome has its sentence.
class SignInMethodsDialog : public QDialog
{
    Q_OBJECT
public:
    SignInMethodsDialog(SignInMethods *methods, QWidget *parent = nullptr);

    // The confirmation asked before removing: the dialog's `question`, to
    // answer yes or no (tests answer it by objectName).
    static constexpr const char *RemoveQuestionName = "removeMethodQuestion";

private:
    void showIdentities();
    void showState(SignInMethods::State state);
    void onFinished(SignInMethods::Operation operation, const QString &providerId, const ClientError &error);
    void updateButtons();
    void askRemove();
    QString nameOf(const QString &providerId) const;
    static QString loadingText();
    QString selectedProvider() const;

    SignInMethods *m_methods;
    QTreeWidget *m_list;
    QComboBox *m_addable;
    QPushButton *m_add;
    QPushButton *m_remove;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPushButton *m_cancel;
};
