#pragma once

#include <QUrl>
#include <QWizardPage>

class QCheckBox;
class QLabel;
class QNetworkAccessManager;
class QVBoxLayout;

// The terms of service, shown in a web view the first time this page opens
// (WebEngine is loaded then, not at start-up), and "I agree". The version
// the person agreed to is what the onboard call sends.
class TermsPage : public QWizardPage
{
    Q_OBJECT
    Q_PROPERTY(QString termsVersion READ termsVersion NOTIFY termsVersionChanged)
public:
    TermsPage(const QUrl &terms, QNetworkAccessManager *manager, QWidget *parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;
    QString termsVersion() const { return m_version; }
    // The server says the terms changed: read them again, agree again.
    void reload(const QString &reason);

    // Where the WebEngine plugin is looked for; empty falls back to a text view.
    static QString pluginPath();

Q_SIGNALS:
    void termsVersionChanged();

private:
    QWidget *createViewer();
    void fetchVersion();

    QUrl m_terms;
    QNetworkAccessManager *m_manager;
    QVBoxLayout *m_layout;
    QWidget *m_viewer = nullptr;
    QCheckBox *m_agree;
    QLabel *m_status;
    QString m_version;
};
