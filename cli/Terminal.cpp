#include "Terminal.h"

#include <QSocketNotifier>

#include <cstdio>
#include <unistd.h>

namespace {
constexpr qsizetype MaxLineBytes = 4096; // what a person types; more is not read as one answer
}

Terminal::Terminal(QObject *parent)
    : QObject(parent)
    , m_notifier(new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this))
{
    m_notifier->setEnabled(false);
    connect(m_notifier, &QSocketNotifier::activated, this, &Terminal::onReadable);
}

void Terminal::print(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

void Terminal::say(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stderr);
    std::fflush(stderr);
}

void Terminal::ask(const QString &prompt)
{
    std::fputs(qPrintable(prompt), stderr);
    std::fflush(stderr);
}

bool Terminal::stdinIsTerminal()
{
    return ::isatty(STDIN_FILENO) == 1;
}

void Terminal::readLine()
{
    m_reading = true;
    const qsizetype end = m_buffer.indexOf('\n');
    if (end >= 0) {
        m_reading = false;
        const QByteArray line = m_buffer.left(end);
        m_buffer.remove(0, end + 1);
        Q_EMIT lineRead(QString::fromUtf8(line).trimmed());
        return;
    }
    m_notifier->setEnabled(true);
}

void Terminal::onReadable()
{
    char chunk[512];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n <= 0) {
        m_notifier->setEnabled(false);
        m_reading = false;
        Q_EMIT closed();
        return;
    }
    m_buffer.append(chunk, n);
    if (m_buffer.size() > MaxLineBytes && m_buffer.indexOf('\n') < 0)
        m_buffer.truncate(MaxLineBytes);
    if (m_buffer.contains('\n')) {
        m_notifier->setEnabled(false);
        readLine();
    }
}
