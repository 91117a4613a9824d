// latchkey-terms: renders the terms of service with WebEngine for the app,
// in a process of its own, so that the app itself stays a plain Widgets
// program (no WebEngine, no GL context). Started by the terms page and
// spoken to over stdin/stdout (TermsProtocol.h); not meant to be run by hand.

#include "TermsHelper.h"

#include <QApplication>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    // Gone with the app even if it is killed before it can close our stdin.
    const pid_t parent = ::getppid();
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent)
        return 0;
    // Chromium refuses to run its sandbox as root (CI, containers); Qt 6.4
    // honours only this variable for it.
    if (::geteuid() == 0 && qEnvironmentVariableIsEmpty("QTWEBENGINE_DISABLE_SANDBOX"))
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Latchkey"));
    QCoreApplication::setApplicationName(QStringLiteral("latchkey-terms"));
    QApplication::setQuitOnLastWindowClosed(true);
    TermsHelper helper;
    return QApplication::exec();
}
