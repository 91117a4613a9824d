#pragma once

#include "TermsProtocol.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

class QSocketNotifier;
class QWebEngineProfile;
class QWebEngineView;
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

private:
    void readCommands();
    void run(const QByteArray &line);
    void load(const QUrl &url);
    void checkPainted();
    void send(const char *word, const QByteArray &argument = {});
    void fail(const QString &message);

    QSocketNotifier *m_stdin;
    TermsProtocol::LineBuffer m_lines;
    QWebEngineProfile *m_profile = nullptr;
    QPointer<QWebEngineView> m_view;
    QTimer m_paintPoll;
    int m_paintPolls = 0;
    bool m_loaded = false;
    bool m_painted = false;
};
