#pragma once

#include <QEvent>
#include <QGuiApplication>
#include <QTimer>
#include <QWindow>

#include <cstdio>
#include <ctime>

// For bench/startup-bench.py: with LATCHKEY_BENCH_FIRST_FRAME set, prints
// "first-frame <CLOCK_MONOTONIC seconds>" on stderr once the first top-level
// window is exposed and its first frame handed to the window system (the
// event loop's next turn after the expose). Header-only so the hello-world
// window of the benchmark measures itself the same way as the app.
class FirstFrameProbe : public QObject
{
public:
    static void installIfAsked(QGuiApplication *app)
    {
        if (qEnvironmentVariableIsSet("LATCHKEY_BENCH_FIRST_FRAME"))
            app->installEventFilter(new FirstFrameProbe(app));
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        auto *window = qobject_cast<QWindow *>(watched);
        if (event->type() == QEvent::Expose && window && window->isTopLevel() && !m_seen) {
            m_seen = true;
            QTimer::singleShot(0, this, [this] {
                timespec now{};
                ::clock_gettime(CLOCK_MONOTONIC, &now);
                std::fprintf(stderr, "first-frame %lld.%09ld\n", static_cast<long long>(now.tv_sec), now.tv_nsec);
                std::fflush(stderr);
                deleteLater();
            });
        }
        return false;
    }

private:
    using QObject::QObject;
    bool m_seen = false;
};
