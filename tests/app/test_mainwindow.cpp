#include "app/aboutdialog.h"
#include "app/application.h"
#include "app/buildinfo.h"
#include "app/connectionspane.h"
#include "app/detailspane.h"
#include "app/mainwindow.h"
#include "app/theme.h"

#include "apptestsupport.h"
#include "testsupport.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace Minato::App;
using Minato::Test::TestSession;

TEST_CASE("The main window opens with the app icon and teaches what to do first", "[app]")
{
    TestSession s;
    MainWindow window(s.session.get());
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    CHECK(window.windowTitle() == QStringLiteral("Minato"));
    CHECK_FALSE(window.windowIcon().isNull());
    CHECK_FALSE(QApplication::windowIcon().pixmap(64, 64).isNull());

    // No connections: the sidebar's empty state is visible and teaches.
    auto *stack = window.findChild<QStackedWidget *>(QStringLiteral("connectionsStack"));
    REQUIRE(stack);
    CHECK(stack->currentWidget()->objectName() == QStringLiteral("connectionsEmpty"));
    auto *label = window.findChild<QLabel *>(QStringLiteral("connectionsEmptyLabel"));
    REQUIRE(label);
    CHECK(label->isVisible());
    CHECK(label->text().contains(QStringLiteral("No registries yet")));
    auto *add = window.findChild<QPushButton *>(QStringLiteral("addConnectionButton"));
    REQUIRE(add);
    CHECK(add->isEnabled());

    // Adding a connection replaces the empty state with the list.
    REQUIRE(s.addConnection(QStringLiteral("lab"), QUrl(QStringLiteral("http://127.0.0.1:9"))));
    CHECK(stack->currentWidget()->objectName() == QStringLiteral("connectionsView"));
    CHECK(window.connectionsPane()->view()->topLevelItemCount() == 1);

    const QImage shot = window.grab().toImage();
    CHECK(shot.width() >= 800);
    CHECK(shot.height() >= 500);
}

TEST_CASE("First run adds Docker Hub and the local registry, once", "[app]")
{
    TestSession s;
    s.session->ensureDefaultConnections();
    QStringList names;
    for (const auto &p : s.session->connections()) {
        names << p.name;
    }
    CHECK(names == QStringList{AppSession::dockerHubName(), AppSession::localRegistryName()});
    QString removed = QStringLiteral("not called");
    s.session->removeConnection(AppSession::dockerHubName(), false, [&removed](const QString &e) { removed = e; });
    REQUIRE(removed.isEmpty());
    s.session->ensureDefaultConnections(); // removed stays removed
    CHECK(s.session->connections().size() == 1);
}

TEST_CASE("The window keeps its geometry, splitters and last connection", "[app]")
{
    TestSession s;
    REQUIRE(s.addConnection(QStringLiteral("one"), QUrl(QStringLiteral("http://127.0.0.1:9"))));
    REQUIRE(s.addConnection(QStringLiteral("two"), QUrl(QStringLiteral("http://127.0.0.1:9"))));
    QList<int> sizes;
    {
        MainWindow window(s.session.get());
        window.resize(1300, 820);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        window.connectionsPane()->selectConnection(QStringLiteral("two"));
        auto *splitter = window.findChild<QSplitter *>(QStringLiteral("splitter"));
        splitter->setSizes({300, 250, 750});
        sizes = splitter->sizes();
        window.close();
    }
    MainWindow again(s.session.get());
    again.show();
    REQUIRE(QTest::qWaitForWindowExposed(&again));
    CHECK(again.connectionsPane()->currentConnection() == QStringLiteral("two"));
    CHECK(again.findChild<QSplitter *>(QStringLiteral("splitter"))->sizes() == sizes);
    CHECK(again.size() == QSize(1300, 820));
}

TEST_CASE("About lists Minato's and Qt's versions and copies them", "[app]")
{
    Minato::Test::initAppOnce();
    AboutDialog dialog;
    auto *view = dialog.findChild<QTreeWidget *>(QStringLiteral("versionsView"));
    REQUIRE(view);
    REQUIRE(view->topLevelItemCount() == componentVersions().size());
    QStringList names;
    for (int i = 0; i < view->topLevelItemCount(); ++i) {
        names << view->topLevelItem(i)->text(0);
        CHECK_FALSE(view->topLevelItem(i)->text(1).isEmpty());
    }
    CHECK(names.contains(QStringLiteral("Minato")));
    CHECK(names.contains(QStringLiteral("Qt (runtime)")));
    CHECK(view->topLevelItem(0)->text(1) == QStringLiteral(MINATO_VERSION));

    QPushButton *copy = nullptr;
    for (QAbstractButton *b : dialog.findChild<QDialogButtonBox *>()->buttons()) {
        if (b->text() == QStringLiteral("Copy versions")) {
            copy = qobject_cast<QPushButton *>(b);
        }
    }
    REQUIRE(copy);
    QApplication::clipboard()->clear();
    copy->click();
    const QString copied = QApplication::clipboard()->text();
    CHECK(copied.contains(QStringLiteral("Minato: " MINATO_VERSION)));
    CHECK(copied.contains(QStringLiteral("Qt (runtime): ") + QString::fromLatin1(qVersion())));
}

TEST_CASE("Help > About and F1 open their dialogs from the menu", "[app]")
{
    TestSession s;
    MainWindow window(s.session.get());
    window.show();
    for (const char *name : {"actionAbout", "actionShortcuts"}) {
        auto *action = window.findChild<QAction *>(QString::fromLatin1(name));
        REQUIRE(action);
        QString seen;
        // The dialog is modal: inspect and close it from inside its own event loop.
        QTimer::singleShot(200, &window, [&seen] {
            QWidget *modal = QApplication::activeModalWidget();
            if (auto *about = qobject_cast<AboutDialog *>(modal)) {
                seen = QStringLiteral("about");
                about->reject();
            } else if (auto *box = qobject_cast<QMessageBox *>(modal)) {
                seen = box->text();
                box->reject();
            }
        });
        action->trigger();
        if (QByteArray(name) == "actionAbout") {
            CHECK(seen == QStringLiteral("about"));
        } else {
            CHECK(seen.contains(QStringLiteral("Ctrl+L")));
            CHECK(seen.contains(QStringLiteral("F5")));
        }
    }
}

TEST_CASE("Switching the theme repaints every details table in the new palette", "[app]")
{
    TestSession s;
    MainWindow window(s.session.get());
    window.show();
    const auto base = [&window](const char *name) {
        auto *tree = window.detailsPane()->findChild<QTreeWidget *>(QString::fromLatin1(name));
        REQUIRE(tree);
        return tree->viewport()->palette().color(tree->viewport()->backgroundRole()).lightness();
    };
    Theme::apply(Theme::Mode::Dark);
    QApplication::processEvents();
    for (const char *name : {"layersView", "configView", "historyView", "referrersView"}) {
        INFO(name);
        CHECK(base(name) < 128);
    }
    Theme::apply(Theme::Mode::Light);
    QApplication::processEvents();
    for (const char *name : {"layersView", "configView", "historyView", "referrersView"}) {
        INFO(name);
        CHECK(base(name) > 128);
    }
}
