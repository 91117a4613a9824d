#pragma once

#include <QWidget>

class QLabel;

// Signing in failed: what happened, in specific words, and a way to retry.
class ErrorView : public QWidget
{
    Q_OBJECT
public:
    explicit ErrorView(QWidget *parent = nullptr);
    // `detail`: the Details line beneath the message (say, the server's own
    // words), shown as plain text.
    void setMessage(const QString &message, const QString &detail = {});

Q_SIGNALS:
    void retryRequested();
    // "Copy details": the diagnostics report should go on the clipboard.
    void copyDetailsRequested();
    void settingsRequested();
    void dismissRequested();

private:
    QLabel *m_message;
    QLabel *m_detail;
    QLabel *m_detailCaption;
};
