#pragma once

#include <QUrl>
#include <QWidget>

class QLabel;
class QPushButton;

// "Continue in your browser", with a way out when no browser showed up:
// open it again, or copy the link to paste it elsewhere.
class WaitingView : public QWidget
{
    Q_OBJECT
public:
    explicit WaitingView(QWidget *parent = nullptr);
    void setLink(const QUrl &url);
    void setProblem(const QString &problem);

Q_SIGNALS:
    void openAgainRequested();
    void cancelRequested();

private:
    void copyLink();

    QUrl m_link;
    QLabel *m_status;
    QPushButton *m_openAgain;
    QPushButton *m_copy;
};
