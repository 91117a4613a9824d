#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

class QSocketNotifier;

// The command line's only way to the person: lines out (stdout for what a
// script may read, stderr for everything said to the person) and lines in,
// read without blocking the event loop, so polls and checks go on while
// the person types. Text from a server reaches it as plain text.
class Terminal : public QObject
{
    Q_OBJECT
public:
    explicit Terminal(QObject *parent = nullptr);

    // stdout: the result a script reads (a token, JSON).
    void print(const QString &text);
    // stderr: sentences for the person, so `TOKEN=$(latchkey token)` holds the token alone.
    void say(const QString &text = {});
    // stderr without a newline, flushed: "Username [rita]: ".
    void ask(const QString &prompt);
    // Reads one line; lineRead() or closed() (end of input).
    void readLine();
    static bool stdinIsTerminal();

Q_SIGNALS:
    void lineRead(const QString &line);
    void closed();

private:
    void onReadable();

    QSocketNotifier *m_notifier;
    QByteArray m_buffer;
    bool m_reading = false;
};
