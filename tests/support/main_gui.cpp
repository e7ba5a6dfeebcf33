// main() for GUI suites. catch_discover_tests runs the test binary at build time, outside ctest's
// environment and possibly without a display: default to the offscreen platform before QApplication
// exists (PLATFORM.md). Under xvfb-run, QT_QPA_PLATFORM=xcb may be set explicitly.
#include <QApplication>

#include "catchrunner.h"

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    return minatoRunCatch(argc, argv);
}
