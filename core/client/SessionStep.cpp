#include "SessionStep.h"

#include "NetworkJob.h"

SessionStep::SessionStep(QObject *parent)
    : QObject(parent)
{
}

SessionStep::~SessionStep()
{
    kill();
}

void SessionStep::adopt(QObject *job)
{
    // Keychain jobs belong to the vault, which orders them; only network
    // jobs can be aborted, so only they become ours.
    if (auto *networkJob = qobject_cast<NetworkJob *>(job)) {
        networkJob->setParent(this);
        connect(networkJob, &NetworkJob::finished, networkJob, &QObject::deleteLater);
        connect(networkJob, &NetworkJob::finished, this, [this, networkJob] { Q_EMIT networkJobFinished(networkJob); });
        networkJob->start();
    }
}

void SessionStep::discard(QObject *job)
{
    if (qobject_cast<NetworkJob *>(job))
        job->deleteLater(); // never started; a keychain job runs on in the vault's order
}

void SessionStep::onKill(std::function<void()> cleanup)
{
    m_cleanups.append(std::move(cleanup));
}

void SessionStep::kill()
{
    if (m_killed)
        return;
    m_killed = true; // first: an abort's finished() must not reach a callback
    const auto jobs = findChildren<NetworkJob *>(Qt::FindDirectChildrenOnly);
    for (NetworkJob *job : jobs)
        job->abort();
    const auto cleanups = std::exchange(m_cleanups, {});
    for (const auto &cleanup : cleanups)
        cleanup();
    deleteLater();
}
