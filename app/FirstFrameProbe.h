#pragma once

#include <QEvent>
#include <QGuiApplication>
#include <QTimer>
#include <QWindow>

#include <cstdio>
#include <ctime>

// For bench/startup-bench.py: with LATCHKEY_BENCH_FIRST_FRAME set, prints
// "main <CLOCK_MONOTONIC seconds>" on stderr as main() begins (markMain(),
// so the bench can tell the dynamic loader's share from the program's) and
// "first-frame <CLOCK_MONOTONIC seconds>" once the first top-level
// window is exposed and its first frame handed to the window system (the
// event loop's next turn after the expose). Header-only so the hello-world
// window of the benchmark measures itself the same way as the app.
class FirstFrameProbe : public QObject
{
public:
    static void markMain()
    {
        if (qEnvironmentVariableIsSet("LATCHKEY_BENCH_FIRST_FRAME"))
            print("main");
    }

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
                print("first-frame");
                deleteLater();
            });
        }
        return false;
    }

private:
    using QObject::QObject;

    static void print(const char *mark)
    {
        timespec now{};
        ::clock_gettime(CLOCK_MONOTONIC, &now);
        std::fprintf(stderr, "%s %lld.%09ld\n", mark, static_cast<long long>(now.tv_sec), now.tv_nsec);
        std::fflush(stderr);
    }

    bool m_seen = false;
};
