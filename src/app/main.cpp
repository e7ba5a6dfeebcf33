// minato: the desktop application.
//
// `minato --screenshot FILE [--about]` renders the window (or the About dialog) to a PNG once it has
// been laid out and painted, then exits: used by scripts/screenshot.sh for the README and docs.
#include "aboutdialog.h"
#include "application.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    Minato::App::initApplication(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Desktop manager for container registries."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QApplication::translate("main", "Save a screenshot to FILE and exit."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption about(QStringLiteral("about"),
                                   QApplication::translate("main", "With --screenshot: capture the About dialog."));
    parser.addOption(screenshot);
    parser.addOption(about);
    parser.process(app);

    Minato::App::MainWindow window;
    window.show();

    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        const bool aboutShot = parser.isSet(about);
        // Give the window one event-loop turn to lay out and paint before grabbing it.
        QTimer::singleShot(500, &window, [&window, file, aboutShot] {
            int rc = 0;
            if (aboutShot) {
                Minato::App::AboutDialog dialog(&window);
                dialog.show();
                rc = dialog.grab().save(file) ? 0 : 1;
            } else {
                rc = window.grab().save(file) ? 0 : 1;
            }
            QApplication::exit(rc);
        });
    }
    return QApplication::exec();
}
