#pragma once

#include "TermsProtocol.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

class QSocketNotifier;
class QWebEngineProfile;
class QWebEngineView;
class QWidget;
class TermsWebPage;

// latchkey-terms' side of the conversation: reads the app's commands from
// stdin, shows the terms in a QWebEngineView and reports its window id,
// the first paint, followed links and failures on stdout. Quits when stdin
// ends, so it never outlives the app.
class TermsHelper : public QObject
{
    Q_OBJECT
public:
    explicit TermsHelper(QObject *parent = nullptr);
    ~TermsHelper() override;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void readCommands();
    void run(const QByteArray &line);
    void load(const QUrl &url);
    void watchPage();
    void checkPainted();
    void makeWindow();
    void focusLeft(QWidget *now);
    void send(const char *word, const QByteArray &argument = {});
    void fail(const QString &message);

    QSocketNotifier *m_stdin;
    TermsProtocol::LineBuffer m_lines;
    QWebEngineProfile *m_profile = nullptr;
    QPointer<QWidget> m_window; // the view between two focus stops that hand focus back to the app
    QPointer<QWebEngineView> m_view;
    QPointer<TermsWebPage> m_page;
    QWidget *m_before = nullptr;
    QWidget *m_after = nullptr;
    QTimer m_paintPoll;
    int m_paintPolls = 0;
    QTimer m_focusPoll;
    int m_focusPolls = 0;
    bool m_loaded = false;
    bool m_painted = false;
    bool m_backwards = false; // the last Tab was Shift+Tab
};
