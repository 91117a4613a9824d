#pragma once

#include <QObject>

#include <functional>
#include <utility>

class NetworkJob;

// One step of the session, in the manner of KCompositeJob: the step owns the
// network jobs it starts and is the only one to hear their answers. kill()
// aborts its network jobs, runs its clean-ups (say, closing the loopback
// port) and silences every answer still on its way, so a result reaches the
// step that asked for it or nobody. SessionManager kills the current step on
// every transition; no answer needs to ask "am I still wanted?".
class SessionStep : public QObject
{
    Q_OBJECT
public:
    explicit SessionStep(QObject *parent = nullptr);
    ~SessionStep() override;

    // Calls onFinished(job) when `job` emits finished(), unless this step was
    // killed first. A NetworkJob becomes the step's child and is aborted with it.
    template<typename Job, typename Callback>
    void await(Job *job, Callback onFinished)
    {
        if (m_killed) {
            discard(job); // a step killed while a callback of it still ran: nobody would hear
            return;
        }
        adopt(job);
        connect(job, &Job::finished, this, [this, job, onFinished = std::move(onFinished)] {
            if (!m_killed)
                onFinished(job);
        });
    }
    // Something to undo when the step is killed (not when it simply ends).
    void onKill(std::function<void()> cleanup);
    void kill();
    bool isKilled() const { return m_killed; }

Q_SIGNALS:
    // Each network job of this step, as it ends: for the diagnostics.
    void networkJobFinished(NetworkJob *job);

private:
    void adopt(QObject *job);
    static void discard(QObject *job);

    QList<std::function<void()>> m_cleanups;
    bool m_killed = false;
};
