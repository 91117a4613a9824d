#pragma once

#include <QUrl>
#include <QWizardPage>

class QCheckBox;
class QLabel;
class QNetworkAccessManager;
class QVBoxLayout;
class TermsHelperProcess;

// The terms of service and "I agree". The terms are rendered by
// latchkey-terms, a helper process with WebEngine started the first time
// this page opens (the app itself never loads WebEngine); its window is
// embedded in the page where the platform allows it (X11) and stands beside
// the wizard elsewhere (Wayland). "I agree" enables once the terms are on
// screen. Without the helper, or when it fails or crashes, the terms show as
// formatted text. The version the person agreed to is what the onboard call
// sends.
class TermsPage : public QWizardPage
{
    Q_OBJECT
    Q_PROPERTY(QString termsVersion READ termsVersion NOTIFY termsVersionChanged)
public:
    TermsPage(const QUrl &terms, QNetworkAccessManager *manager, QWidget *parent = nullptr);
    ~TermsPage() override;

    void initializePage() override;
    bool isComplete() const override;
    QString termsVersion() const { return m_version; }
    // The server says the terms changed: read them again, agree again.
    void reload(const QString &reason);
    // The helper's process id while it runs, else 0 (for tests and benchmarks).
    qint64 helperProcessId() const;

Q_SIGNALS:
    void termsVersionChanged();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void startHelper();
    void embed(WId window);
    void showAsText();
    void setViewer(QWidget *viewer);
    void fetchVersion();
    void updateAgree();

    QUrl m_terms;
    QNetworkAccessManager *m_manager;
    QVBoxLayout *m_layout;
    QWidget *m_viewer = nullptr;
    TermsHelperProcess *m_helper = nullptr;
    QCheckBox *m_agree;
    QLabel *m_status;
    QString m_version;
    QString m_html;
    bool m_shown = false; // the terms are on screen: painted by the helper, or as text
    bool m_asText = false;
};
