// The baseline of bench/startup-bench.py: a hello-world Qt Widgets window
// (one QMainWindow with a label), built like the app, measured the same way.

#include "FirstFrameProbe.h"

#include <QApplication>
#include <QLabel>
#include <QMainWindow>

int main(int argc, char *argv[])
{
    FirstFrameProbe::markMain();
    QApplication app(argc, argv);
    FirstFrameProbe::installIfAsked(&app);
    QMainWindow window;
    window.setCentralWidget(new QLabel(QStringLiteral("Hello, world"), &window));
    window.show();
    return QApplication::exec();
}
