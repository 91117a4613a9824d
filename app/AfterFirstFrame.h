#pragma once

#include <QEvent>
#include <QTimer>
#include <QWidget>
#include <QWindow>

#include <functional>
#include <utility>

// Runs work once a window's first frame is on screen (the event loop's turn
// after its first Expose), or after 1 s at most: what can wait (the
// keychain over D-Bus, discovery, the first network request) waits, so the
// window appears at a bare window's speed.
class AfterFirstFrame : public QObject
{
public:
    static void run(QWidget *window, std::function<void()> work)
    {
        window->winId(); // the native window exists from here on
        window->windowHandle()->installEventFilter(new AfterFirstFrame(window, std::move(work)));
    }

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Expose)
            QTimer::singleShot(0, this, &AfterFirstFrame::finish);
        return false;
    }

private:
    AfterFirstFrame(QObject *parent, std::function<void()> work)
        : QObject(parent)
        , m_work(std::move(work))
    {
        QTimer::singleShot(1000, this, &AfterFirstFrame::finish);
    }

    void finish()
    {
        if (auto work = std::exchange(m_work, nullptr))
            work();
        deleteLater();
    }

    std::function<void()> m_work;
};
