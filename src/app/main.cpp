// minato: the desktop application.
//
//   minato [REFERENCE]                   opens a reference at start (as Ctrl+L does): ghcr.io/org/app:1.2
//   minato --theme light|dark|system     for this run (the View menu's setting is kept otherwise)
//   minato --screenshot FILE [--about | --connection-dialog | --delete-dialog | --tasks] [--tab N] [--wait-ms N]
//       renders the window (or the About dialog) to a PNG once it has been laid out, painted and — when a
//       reference was given — its details have loaded (or N ms passed), then exits: used by
//       scripts/screenshot.sh for the README and docs. --delete-dialog: the delete confirmation of the
//       reference's tag, once it lists what the delete touches. --tasks: the window with the Tasks panel after
//       a copy of the reference into mirror/<repository> and a delete that fails (a tag that is not there).
//       --search-dialog QUERY: the search across all connections (Ctrl+K) once every connection has answered.
#include "aboutdialog.h"
#include "application.h"
#include "comparedialog.h"
#include "connectiondialog.h"
#include "deletedialog.h"
#include "retentiondialog.h"
#include "searchdialog.h"
#include "ui_retentiondialog.h"
#include "detailspane.h"
#include "mainwindow.h"
#include "tagspane.h"
#include "tagtablemodel.h"
#include "task.h"
#include "taskspane.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QEventLoop>
#include <QTabWidget>
#include <QTextStream>
#include <QTimer>

#include <functional>

namespace {

// Screenshots: turns the event loop until `done` holds, at most `ms`.
void waitFor(const std::function<bool()> &done, int ms = 10000)
{
    QEventLoop wait;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &wait, [&wait, &done] {
        if (done()) {
            wait.quit();
        }
    });
    poll.start(50);
    QTimer::singleShot(ms, &wait, &QEventLoop::quit);
    if (!done()) {
        wait.exec();
    }
}

} // namespace

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
    const QCommandLineOption deleteDialog(
        QStringLiteral("delete-dialog"),
        QApplication::translate("main", "With --screenshot and a reference: capture the delete confirmation."));
    const QCommandLineOption tasks(
        QStringLiteral("tasks"),
        QApplication::translate("main", "With --screenshot and a reference: capture the window with sample tasks."));
    const QCommandLineOption cleanupDialog(
        QStringLiteral("cleanup-dialog"),
        QApplication::translate("main", "With --screenshot and a reference: capture the clean-up preview (keep 3)."));
    const QCommandLineOption searchDialog(
        QStringLiteral("search-dialog"),
        QApplication::translate("main", "With --screenshot: capture the search across all registries for QUERY."),
        QStringLiteral("QUERY"));
    parser.addOptions({screenshot, about, connectionDialog, deleteDialog, cleanupDialog, tasks, theme, tab, waitMs});
    parser.addOption(searchDialog);
    const QCommandLineOption compareDialog(
        QStringLiteral("compare-dialog"),
        QApplication::translate("main", "With --screenshot and a reference: capture the comparison of TAG (left) and "
                                        "the reference's tag (right)."),
        QStringLiteral("TAG"));
    parser.addOption(compareDialog);
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

    if (parser.isSet(screenshot) && parser.isSet(compareDialog) && !reference.isEmpty()) {
        // --compare-dialog TAG: once the reference's details have loaded, the Compare dialog of TAG and that tag,
        // grabbed after both sides are shown (or the time limit).
        const QString file = parser.value(screenshot);
        const QString other = parser.value(compareDialog);
        QObject::connect(window.detailsPane(), &Minato::App::DetailsPane::loaded, &window, [&window, file, other] {
            if (window.findChild<Minato::App::CompareDialog *>()) {
                return;
            }
            Minato::App::TagsPane *tags = window.tagsPane();
            auto *dialog = new Minato::App::CompareDialog(window.session(), tags->connection(), tags->repository(),
                                                          other, tags->currentTag(), tags->model()->allTags(), &window);
            dialog->resize(1000, 720);
            QObject::connect(dialog, &Minato::App::CompareDialog::compared, dialog, [dialog, file] {
                QTimer::singleShot(400, dialog, [dialog, file] { QApplication::exit(dialog->grab().save(file) ? 0 : 1); });
            });
            dialog->show();
        });
        QTimer::singleShot(parser.value(waitMs).toInt(), &window, [] { QApplication::exit(1); });
        return QApplication::exec();
    }
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        const bool aboutShot = parser.isSet(about);
        const bool dialogShot = parser.isSet(connectionDialog);
        const bool deleteShot = parser.isSet(deleteDialog);
        const bool cleanupShot = parser.isSet(cleanupDialog);
        const bool tasksShot = parser.isSet(tasks);
        const int tabIndex = parser.value(tab).toInt();
        const QString searchQuery = parser.isSet(searchDialog) ? parser.value(searchDialog) : QString();
        auto grab = [&window, file, aboutShot, dialogShot, deleteShot, cleanupShot, tabIndex, searchQuery] {
            static bool done = false; // the details' loaded() and the time limit may both arrive
            if (done) {
                return;
            }
            done = true;
            int rc = 0;
            if (!searchQuery.isEmpty()) {
                Minato::App::SearchDialog dialog(window.session(), &window);
                dialog.resize(900, 460);
                dialog.show();
                QEventLoop wait; // until every connection has answered (at most 10 s)
                QObject::connect(&dialog, &Minato::App::SearchDialog::searchFinished, &wait, &QEventLoop::quit);
                QTimer::singleShot(10000, &wait, &QEventLoop::quit);
                dialog.search(searchQuery);
                if (dialog.isSearching()) {
                    wait.exec();
                }
                QApplication::processEvents();
                rc = dialog.grab().save(file) ? 0 : 1;
            } else if (cleanupShot) {
                Minato::App::TagsPane *tags = window.tagsPane();
                Minato::App::RetentionDialog dialog(window.session(), tags->connection(), tags->repository(), &window);
                dialog.ui()->keepSpin->setValue(3);
                dialog.ui()->matchEdit->setText(QStringLiteral("^v"));
                dialog.show();
                dialog.preview();
                waitFor([&dialog] { return dialog.plan().has_value(); }); // the preview is there
                QApplication::processEvents();
                rc = dialog.grab().save(file) ? 0 : 1;
            } else if (deleteShot) {
                Minato::App::TagsPane *tags = window.tagsPane();
                Minato::App::DeleteDialog dialog(window.session(), tags->connection(), tags->repository(),
                                                 {tags->currentTag()}, &window);
                dialog.show();
                waitFor([&dialog] { return dialog.isPlanned(); }); // it lists what the delete touches
                QApplication::processEvents();
                rc = dialog.grab().save(file) ? 0 : 1;
            } else if (dialogShot) {
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
        if (!reference.isEmpty() && !aboutShot && tasksShot) {
            // A copy of the reference into mirror/<repository> and a delete that fails, both finished, then the shot.
            QObject::connect(window.detailsPane(), &Minato::App::DetailsPane::loaded, &window, [&window, grab] {
                Minato::App::TagsPane *tags = window.tagsPane();
                auto *model = window.tasks();
                if (model->rowCount() > 0) {
                    return;
                }
                model->add(new Minato::App::DeleteTagsTask(window.session(), tags->connection(), tags->repository(),
                                                           {QStringLiteral("1.0-rc1")}));
                model->add(new Minato::App::CopyTask(
                    window.session(), {tags->connection(), tags->repository(), tags->currentTag()},
                    {tags->connection(), QStringLiteral("mirror/") + tags->repository(), {}}, {}));
                QObject::connect(model, &Minato::App::TaskListModel::runningChanged, &window, [grab](int running) {
                    if (running == 0) {
                        QTimer::singleShot(600, grab);
                    }
                });
            });
            QTimer::singleShot(parser.value(waitMs).toInt(), &window, grab);
        } else if (!reference.isEmpty() && !aboutShot) {
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
