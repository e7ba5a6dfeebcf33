// minato: the desktop application.
//
//   minato [REFERENCE]                   opens a reference at start (as Ctrl+L does): ghcr.io/org/app:1.2
//   minato --theme light|dark|system     for this run (the View menu's setting is kept otherwise)
//   minato --screenshot FILE [--about] [--tab N] [--wait-ms N]
//       renders the window (or the About dialog) to a PNG once it has been laid out, painted and — when a
//       reference was given — its details have loaded (or N ms passed), then exits: used by
//       scripts/screenshot.sh for the README and docs.
#include "aboutdialog.h"
#include "application.h"
#include "connectiondialog.h"
#include "detailspane.h"
#include "mainwindow.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTabWidget>
#include <QTextStream>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    Minato::App::initApplication(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Desktop manager for container registries."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("reference"),
                                 QApplication::translate("main", "An image reference to open, e.g. ghcr.io/org/app:1.2."),
                                 QStringLiteral("[REFERENCE]"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QApplication::translate("main", "Save a screenshot to FILE and exit."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption about(QStringLiteral("about"),
                                   QApplication::translate("main", "With --screenshot: capture the About dialog."));
    const QCommandLineOption connectionDialog(
        QStringLiteral("connection-dialog"),
        QApplication::translate("main", "With --screenshot: capture the Add a connection dialog."));
    const QCommandLineOption theme(QStringLiteral("theme"),
                                   QApplication::translate("main", "Colour theme for this run: system, light or dark."),
                                   QStringLiteral("THEME"));
    const QCommandLineOption tab(QStringLiteral("tab"),
                                 QApplication::translate("main", "With --screenshot: the details tab to show (0–5)."),
                                 QStringLiteral("N"));
    const QCommandLineOption waitMs(QStringLiteral("wait-ms"),
                                    QApplication::translate("main", "With --screenshot: the longest wait (ms)."),
                                    QStringLiteral("N"), QStringLiteral("15000"));
    parser.addOptions({screenshot, about, connectionDialog, theme, tab, waitMs});
    parser.process(app);

    if (parser.isSet(theme)) {
        Minato::App::Theme::apply(Minato::App::Theme::modeFromString(parser.value(theme)));
    }
    Minato::App::MainWindow window;
    if (parser.isSet(theme)) {
        // The command line wins over the saved setting for this run.
        Minato::App::Theme::apply(Minato::App::Theme::modeFromString(parser.value(theme)));
    }
    window.show();

    const QString reference = parser.positionalArguments().value(0);
    if (!reference.isEmpty()) {
        QTimer::singleShot(0, &window, [&window, reference] {
            const QString error = window.openReference(reference);
            if (!error.isEmpty()) {
                QTextStream(stderr) << error << '\n';
            }
        });
    }

    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        const bool aboutShot = parser.isSet(about);
        const bool dialogShot = parser.isSet(connectionDialog);
        const int tabIndex = parser.value(tab).toInt();
        auto grab = [&window, file, aboutShot, dialogShot, tabIndex] {
            int rc = 0;
            if (dialogShot) {
                Minato::App::ConnectionDialog dialog(window.session(), &window);
                dialog.preset(Minato::Client::ConnectionProfile::Kind::Ghcr);
                dialog.show();
                QApplication::processEvents();
                rc = dialog.grab().save(file) ? 0 : 1;
            } else if (aboutShot) {
                Minato::App::AboutDialog dialog(&window);
                dialog.show();
                rc = dialog.grab().save(file) ? 0 : 1;
            } else {
                window.detailsPane()->tabs()->setCurrentIndex(tabIndex);
                QApplication::processEvents();
                rc = window.grab().save(file) ? 0 : 1;
            }
            QApplication::exit(rc);
        };
        if (!reference.isEmpty() && !aboutShot) {
            // After the details have loaded and the tags table has had a moment to fill its rows.
            QObject::connect(window.detailsPane(), &Minato::App::DetailsPane::loaded, &window,
                             [grab] { QTimer::singleShot(1200, grab); });
            QTimer::singleShot(parser.value(waitMs).toInt(), &window, grab);
        } else {
            // Give the window one event-loop turn to lay out and paint before grabbing it.
            QTimer::singleShot(500, &window, grab);
        }
    }
    return QApplication::exec();
}
