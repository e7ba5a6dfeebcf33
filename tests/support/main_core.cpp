// main() for non-GUI suites: a QCoreApplication (event loop for QSignalSpy::wait), then Catch2.
#include <QCoreApplication>

#include "catchrunner.h"

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    return minatoRunCatch(argc, argv);
}
