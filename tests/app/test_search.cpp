// Search across all registries (Ctrl+K) in the real window, against two minato-registry processes with
// different sample content: the hits of both land in one list (under QAbstractItemModelTester), each
// connection says how many it found, a new search replaces the last one, and Enter or a double-click opens
// the repository in the window (its connection selected in the sidebar, its tags in the tags pane).
#include "apptestsupport.h"

#include "app/connectionspane.h"
#include "app/mainwindow.h"
#include "app/searchdialog.h"
#include "app/searchresultsmodel.h"
#include "app/tagspane.h"
#include "app/tagtablemodel.h"

#include "ui_searchdialog.h"

#include "embeddedregistryprocess.h"
#include "sampleimages.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QLocale>
#include <QSignalSpy>
#include <QTreeView>

#include <catch2/catch.hpp>

using namespace Minato::App;
using namespace Minato::Test;

namespace {

QSet<QString> pairsOf(const SearchResultsModel *model)
{
    QSet<QString> out;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        out.insert(index.data(SearchResultsModel::ConnectionRole).toString() + u' ' +
                   index.data(SearchResultsModel::RepositoryRole).toString());
    }
    return out;
}

int rowOf(const SearchResultsModel *model, const QString &connection, const QString &repository)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        if (index.data(SearchResultsModel::ConnectionRole).toString() == connection &&
            index.data(SearchResultsModel::RepositoryRole).toString() == repository) {
            return row;
        }
    }
    return -1;
}

} // namespace

TEST_CASE("Search across two registries: one merged list, a status per connection, Enter opens the repository",
          "[app][search]")
{
    EmbeddedRegistryProcess demo;
    EmbeddedRegistryProcess teams;
    REQUIRE(demo.start());
    REQUIRE(teams.start());
    QString error;
    INFO(error.toStdString());
    SampleImages demoSamples(demo.baseUrl());
    REQUIRE(demoSamples.pushDemoSet(&error));
    SampleImages teamSamples(teams.baseUrl());
    REQUIRE(teamSamples.pushRepositories(QStringLiteral("team-x"), 20, &error));

    TestSession s;
    REQUIRE(s.addConnection(QStringLiteral("demo"), demo.baseUrl()));
    REQUIRE(s.addConnection(QStringLiteral("teams"), teams.baseUrl()));
    // A pinned repository that the catalog does not list is found too (pins are searched everywhere).
    s.session->pin(QStringLiteral("teams"), QStringLiteral("team-y/pinned"));
    MainWindow window(s.session.get());
    window.resize(1200, 800);
    window.show();

    auto *action = window.findChild<QAction *>(QStringLiteral("actionSearch"));
    REQUIRE(action != nullptr);
    CHECK(action->shortcut() == QKeySequence(QStringLiteral("Ctrl+K")));
    action->trigger();
    auto *dialog = window.findChild<SearchDialog *>();
    REQUIRE(dialog != nullptr);
    REQUIRE(dialog->isVisible());
    QAbstractItemModelTester tester(dialog->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy done(dialog, &SearchDialog::searchFinished);

    // Typed: nothing is asked until the typing stops.
    QTest::keyClicks(dialog->ui()->queryEdit, QStringLiteral("tea"));
    CHECK_FALSE(dialog->isSearching());
    QTest::keyClicks(dialog->ui()->queryEdit, QStringLiteral("m"));
    REQUIRE(done.wait(20000));
    CHECK(dialog->statusText(QStringLiteral("demo")) == QStringLiteral("4 results"));
    CHECK(dialog->statusText(QStringLiteral("teams")) == QStringLiteral("21 results"));

    QSet<QString> expected{QStringLiteral("demo team-a/api"), QStringLiteral("demo team-a/web"),
                           QStringLiteral("demo team-b/worker"), QStringLiteral("demo team-b/cron"),
                           QStringLiteral("teams team-y/pinned")};
    for (int i = 0; i < 20; ++i) {
        expected.insert(QStringLiteral("teams team-x/g000/r-%1").arg(i, 5, 10, QLatin1Char('0')));
    }
    CHECK(dialog->model()->rowCount() == expected.size());
    CHECK(pairsOf(dialog->model()) == expected);
    const int pinned = rowOf(dialog->model(), QStringLiteral("teams"), QStringLiteral("team-y/pinned"));
    REQUIRE(pinned >= 0);
    CHECK(dialog->model()->index(pinned, SearchResultsModel::SourceColumn).data().toString() ==
          QStringLiteral("pinned"));
    const int listed = rowOf(dialog->model(), QStringLiteral("demo"), QStringLiteral("team-a/api"));
    REQUIRE(listed >= 0);
    CHECK(dialog->model()->index(listed, SearchResultsModel::SourceColumn).data().toString() ==
          QStringLiteral("catalog"));
    CHECK(dialog->ui()->statusLabel->text().contains(QStringLiteral("21 results")));
    // Catalogs tell names only: no empty description, stars and pulls columns.
    CHECK(dialog->ui()->resultsView->isColumnHidden(SearchResultsModel::StarsColumn));
    CHECK(dialog->ui()->resultsView->isColumnHidden(SearchResultsModel::DescriptionColumn));

    // A new search replaces the list; words narrow it ("team api").
    dialog->search(QStringLiteral("team api"));
    REQUIRE(done.wait(20000));
    CHECK(pairsOf(dialog->model()) == QSet<QString>{QStringLiteral("demo team-a/api")});
    CHECK(dialog->statusText(QStringLiteral("teams")) == QStringLiteral("no results"));

    // Enter on a hit of the second registry: its connection is selected, its tags are shown.
    dialog->search(QStringLiteral("r-00003"));
    REQUIRE(done.wait(20000));
    REQUIRE(dialog->model()->rowCount() == 1);
    dialog->ui()->resultsView->setFocus();
    dialog->ui()->resultsView->setCurrentIndex(dialog->model()->index(0, 0));
    QTest::keyClick(dialog->ui()->resultsView, Qt::Key_Return);
    CHECK_FALSE(dialog->isVisible());
    CHECK(window.connectionsPane()->currentConnection() == QStringLiteral("teams"));
    CHECK(window.tagsPane()->connection() == QStringLiteral("teams"));
    CHECK(window.tagsPane()->repository() == QStringLiteral("team-x/g000/r-00003"));
    REQUIRE(waitUntil([&] { return window.tagsPane()->model()->allTags() == QStringList{QStringLiteral("v1")}; }));

    // Ctrl+K again: the same dialog; a double-click opens a hit of the first registry.
    action->trigger();
    REQUIRE(window.findChildren<SearchDialog *>().size() == 1);
    REQUIRE(dialog->isVisible());
    dialog->search(QStringLiteral("alpine"));
    REQUIRE(done.wait(20000));
    const int alpine = rowOf(dialog->model(), QStringLiteral("demo"), QStringLiteral("library/alpine"));
    REQUIRE(alpine >= 0);
    QTreeView *view = dialog->ui()->resultsView;
    const QRect rect = view->visualRect(dialog->model()->index(alpine, 0));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    CHECK_FALSE(dialog->isVisible());
    CHECK(window.connectionsPane()->currentConnection() == QStringLiteral("demo"));
    CHECK(window.tagsPane()->repository() == QStringLiteral("library/alpine"));
    REQUIRE(waitUntil([&] { return window.tagsPane()->model()->allTags().contains(QStringLiteral("3.19")); }));
}

TEST_CASE("Search: a connection that fails says why in place, the others still list their hits", "[app][search]")
{
    EmbeddedRegistryProcess demo;
    REQUIRE(demo.start());
    QString error;
    SampleImages samples(demo.baseUrl());
    REQUIRE(samples.pushDemoSet(&error));
    TestSession s;
    REQUIRE(s.addConnection(QStringLiteral("demo"), demo.baseUrl()));
    // Nothing listens on port 9 of the loopback: the connection is refused.
    REQUIRE(s.addConnection(QStringLiteral("gone"), QUrl(QStringLiteral("http://127.0.0.1:9"))));
    SearchDialog dialog(s.session.get());
    QAbstractItemModelTester tester(dialog.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    dialog.show();
    QSignalSpy done(&dialog, &SearchDialog::searchFinished);
    // A search still running is cancelled by the next one: nothing of it reaches the list.
    dialog.search(QStringLiteral("team"));
    REQUIRE(dialog.isSearching());
    dialog.search(QStringLiteral("nginx"));
    REQUIRE(done.wait(20000));
    CHECK(done.size() == 1);
    CHECK(pairsOf(dialog.model()) == QSet<QString>{QStringLiteral("demo library/nginx")});
    CHECK(dialog.statusText(QStringLiteral("demo")) == QStringLiteral("1 result"));
    CHECK(dialog.statusText(QStringLiteral("gone")).startsWith(QStringLiteral("failed: ")));
    CHECK(dialog.statusText(QStringLiteral("gone")).size() > 12);
}

TEST_CASE("Search results: a repository found twice stays on one row and gains what the second hit knows",
          "[app][search][models]")
{
    initAppOnce();
    SearchResultsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    Minato::Client::RepositorySearchHit pinned;
    pinned.connection = QStringLiteral("Docker Hub");
    pinned.repository = QStringLiteral("library/postgres");
    pinned.sources = Minato::Client::RepositorySearchHit::Pinned;
    Minato::Client::RepositorySearchHit other = pinned;
    other.connection = QStringLiteral("mirror");
    model.add({pinned, other});
    REQUIRE(model.rowCount() == 2);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    Minato::Client::RepositorySearchHit found = pinned;
    found.sources = Minato::Client::RepositorySearchHit::DockerHubSearch | Minato::Client::RepositorySearchHit::Pinned;
    found.description = QStringLiteral("The PostgreSQL object-relational database system");
    found.stars = 14000;
    found.pulls = 1000000000;
    found.official = true;
    model.add({found});
    CHECK(model.rowCount() == 2);
    CHECK(changed.size() == 1);
    CHECK(model.index(0, SearchResultsModel::DescriptionColumn).data().toString() == found.description);
    CHECK(model.index(0, SearchResultsModel::StarsColumn).data().toString() == QLocale().toString(14000));
    CHECK(model.index(0, SearchResultsModel::SourceColumn).data().toString() ==
          QStringLiteral("Docker Hub search, pinned"));
    CHECK(model.index(1, SearchResultsModel::StarsColumn).data().toString().isEmpty());
    CHECK(model.countFor(QStringLiteral("docker hub")) == 1);

    // Harbor tells artifacts, not a description: the description column says how many.
    Minato::Client::RepositorySearchHit harbor;
    harbor.connection = QStringLiteral("harbor");
    harbor.repository = QStringLiteral("library/app");
    harbor.artifacts = 3;
    harbor.sources = Minato::Client::RepositorySearchHit::HarborSearch;
    model.add({harbor, harbor}); // twice in one batch: one row
    CHECK(model.rowCount() == 3);
    CHECK(model.index(2, SearchResultsModel::DescriptionColumn).data().toString() == QStringLiteral("3 artifacts"));
    model.clear();
    CHECK(model.rowCount() == 0);
}
