#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QProgressBar;

// Which server and client id to sign in with. "Save" first fetches the
// server's discovery document, so a typo never becomes the saved setting.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(const QString &issuer, const QString &clientId, QNetworkAccessManager *manager,
                   QWidget *parent = nullptr);

    QString issuer() const;
    QString clientId() const;

    void accept() override;

private:
    void setChecking(bool checking);

    QNetworkAccessManager *m_manager;
    QLineEdit *m_issuer;
    QLineEdit *m_clientId;
    QLabel *m_status;
    QProgressBar *m_progress;
    QDialogButtonBox *m_buttons;
    QString m_verifiedIssuer;
};
