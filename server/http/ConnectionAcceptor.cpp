#include "ConnectionAcceptor.h"

#include "ConnectionGuard.h"

#include <unistd.h>

void ConnectionAcceptor::incomingConnection(qintptr descriptor)
{
    ConnectionGuard *least = nullptr;
    for (ConnectionGuard *guard : std::as_const(m_guards)) {
        if (!least || guard->load() < least->load())
            least = guard;
    }
    if (!least) {
        ::close(int(descriptor));
        return;
    }
    // Counted before it arrives there, so a burst spreads over the workers.
    least->reserve();
    QMetaObject::invokeMethod(
        least, [least, descriptor] { least->adopt(descriptor); }, Qt::QueuedConnection);
}
