#pragma once

#include "TermsProtocol.h"

#include <QObject>
#include <QUrl>
#include <QWindow>

class QProcess;

// The app's side of latchkey-terms, the helper process that renders the
// terms with WebEngine. Started by start(), it reports the helper's window
// (to embed), the first paint, followed links (already checked to be
// http(s)) and failure; a crash, a missing program or a garbled answer is a
// failure too. Destroying this object ends the conversation: the helper
// quits when its stdin closes and is killed if it has not within 3 s, without
// blocking the caller.
class TermsHelperProcess : public QObject
{
    Q_OBJECT
public:
    explicit TermsHelperProcess(QObject *parent = nullptr);
    ~TermsHelperProcess() override;

    // Where latchkey-terms is: $LATCHKEY_TERMS_HELPER, else beside the
    // installed app, else in the build tree. Empty when it is nowhere.
    static QString program();

    void start(const QUrl &terms, const QString &title);
    void show();
    void hide();
    void reload();
    qint64 processId() const;

Q_SIGNALS:
    void windowReady(WId id);
    void painted();
    void linkClicked(const QUrl &url);
    void failed(const QString &reason);
    // Tab (forwards) or Shift+Tab left the page: focus belongs to the app again.
    void focusLeft(bool forwards);

private:
    void readAnswers();
    void handle(const QByteArray &line);
    void send(const char *word, const QByteArray &argument = {});
    void fail(const QString &reason);

    QProcess *m_process = nullptr;
    TermsProtocol::LineBuffer m_lines;
    bool m_failed = false;
};
