// The app's models and helpers without a network: every model under QAbstractItemModelTester.
#include "app/filterindex.h"
#include "app/format.h"
#include "app/pullcommands.h"
#include "app/repositorymodel.h"
#include "app/tagtablemodel.h"

#include "apptestsupport.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>

#include <catch2/catch.hpp>

using namespace Minato::App;
using Minato::Test::waitUntil;

namespace {
QStringList visibleTags(const TagTableModel &model)
{
    QStringList tags;
    for (int row = 0; row < model.rowCount(); ++row) {
        tags << model.tagAt(row);
    }
    return tags;
}

QStringList repositoryTree(const RepositoryModel &model)
{
    QStringList lines;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex top = model.index(row, 0);
        lines << top.data().toString();
        for (int child = 0; child < model.rowCount(top); ++child) {
            lines << QStringLiteral("  ") + model.index(child, 0, top).data(RepositoryModel::RepositoryRole).toString();
        }
    }
    return lines;
}
} // namespace

TEST_CASE("FilterText: words in any order, case-insensitive, and when a new filter narrows the last", "[app]")
{
    const QStringList folded = {QStringLiteral("team-a/api"), QStringLiteral("team-b/api"), QStringLiteral("tools/ci")};
    const QList<int> all = {0, 1, 2};
    CHECK(FilterText(QStringLiteral("API")).apply(folded, all) == QList<int>{0, 1});
    CHECK(FilterText(QStringLiteral("api b")).apply(folded, all) == QList<int>{1});
    CHECK(FilterText(QStringLiteral("  ")).apply(folded, all) == all);
    CHECK(FilterText(QStringLiteral("zzz")).apply(folded, all).isEmpty());
    // Typing on narrows; deleting or changing a word does not.
    CHECK(FilterText(QStringLiteral("api")).narrows(FilterText(QStringLiteral("ap"))));
    CHECK(FilterText(QStringLiteral("ap x")).narrows(FilterText(QStringLiteral("ap"))));
    CHECK_FALSE(FilterText(QStringLiteral("ap")).narrows(FilterText(QStringLiteral("api"))));
    CHECK_FALSE(FilterText(QStringLiteral("bq")).narrows(FilterText(QStringLiteral("ap"))));
    CHECK(FilterText(QStringLiteral("x")).narrows(FilterText()));
}

TEST_CASE("FoldedNames: names packed in one buffer, folded, filtered as a list is", "[app]")
{
    FoldedNames names;
    names.append(QStringLiteral("Team-A/API"));
    names.append(QString());
    names.append(QStringLiteral("tools/ci"));
    REQUIRE(names.size() == 3);
    CHECK(names.at(0) == QStringLiteral("team-a/api"));
    CHECK(names.at(1).isEmpty());
    CHECK(names.at(2) == QStringLiteral("tools/ci"));
    CHECK(FilterText(QStringLiteral("api")).apply(names, {0, 1, 2}) == QList<int>{0});
    CHECK(FilterText(QStringLiteral("t")).apply(names, {2, 0}) == QList<int>{2, 0});
    CHECK(FilterText(QStringLiteral("T c")).apply(names, {0, 1, 2}) == QList<int>{2});
    names.clear();
    CHECK(names.size() == 0);
}

TEST_CASE("RepositoryModel: namespaces as groups, pages appended in place, filtered", "[app]")
{
    Minato::Test::initAppOnce();
    RepositoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.append({QStringLiteral("team-b/worker"), QStringLiteral("alpine"), QStringLiteral("team-a/web")});
    model.append({QStringLiteral("team-a/api"), QStringLiteral("alpine"), QStringLiteral("deep/ns/tool"), QStringLiteral("busybox")});
    CHECK(model.totalCount() == 6);
    CHECK(repositoryTree(model)
          == QStringList{QStringLiteral("deep/ns (1)"), QStringLiteral("  deep/ns/tool"), QStringLiteral("team-a (2)"),
                         QStringLiteral("  team-a/api"), QStringLiteral("  team-a/web"), QStringLiteral("team-b (1)"),
                         QStringLiteral("  team-b/worker"), QStringLiteral("alpine"), QStringLiteral("busybox")});
    CHECK(model.indexOf(QStringLiteral("team-a/web")).data().toString() == QStringLiteral("web"));
    CHECK(model.indexOf(QStringLiteral("busybox")).row() == 4);
    CHECK_FALSE(model.indexOf(QStringLiteral("nope")).isValid());

    model.setFilter(QStringLiteral("API"));
    CHECK(model.visibleCount() == 1);
    CHECK(repositoryTree(model) == QStringList{QStringLiteral("team-a (1)"), QStringLiteral("  team-a/api")});
    // Pages arriving while filtered land only when they match.
    model.append({QStringLiteral("team-c/api-gateway"), QStringLiteral("team-c/web")});
    CHECK(repositoryTree(model)
          == QStringList{QStringLiteral("team-a (1)"), QStringLiteral("  team-a/api"), QStringLiteral("team-c (1)"),
                         QStringLiteral("  team-c/api-gateway")});
    model.setFilter({});
    CHECK(model.visibleCount() == 8);
    model.clear();
    CHECK(model.rowCount() == 0);
}

TEST_CASE("RepositoryModel: 10,000 repositories stream in and filter within the budget", "[app]")
{
    Minato::Test::initAppOnce();
    RepositoryModel model;
    QElapsedTimer timer;
    timer.start();
    for (int page = 0; page < 50; ++page) {
        QStringList names;
        for (int i = 0; i < 200; ++i) {
            const int n = page * 200 + i;
            names << QStringLiteral("ns%1/repo-%2").arg(n / 100, 3, 10, QLatin1Char('0')).arg(n, 5, 10, QLatin1Char('0'));
        }
        model.append(names);
    }
    CHECK(model.totalCount() == 10000);
    CHECK(model.rowCount() == 100);
    model.setFilter(QStringLiteral("repo-0999"));
    CHECK(model.visibleCount() == 10);
    model.setFilter({});
    CHECK(model.visibleCount() == 10000);
}

TEST_CASE("RepositoryModel: typing narrows from the names shown, backspace widens, leaves never have children", "[app]")
{
    Minato::Test::initAppOnce();
    RepositoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.append({QStringLiteral("team-a/web"), QStringLiteral("team-a/api"), QStringLiteral("team-b/api"),
                  QStringLiteral("alpine")});
    model.setFilter(QStringLiteral("team"));
    CHECK(model.visibleCount() == 3);
    model.setFilter(QStringLiteral("team-a")); // narrowing
    CHECK(repositoryTree(model)
          == QStringList{QStringLiteral("team-a (2)"), QStringLiteral("  team-a/api"), QStringLiteral("  team-a/web")});
    model.append({QStringLiteral("team-a/db"), QStringLiteral("team-c/db")}); // lands only when it matches
    model.setFilter(QStringLiteral("team-a d")); // narrowing, two words
    CHECK(repositoryTree(model) == QStringList{QStringLiteral("team-a (1)"), QStringLiteral("  team-a/db")});
    model.setFilter(QStringLiteral("a")); // widening
    CHECK(model.visibleCount() == 6);
    CHECK(model.flags(model.indexOf(QStringLiteral("alpine"))).testFlag(Qt::ItemNeverHasChildren));
    CHECK(model.flags(model.indexOf(QStringLiteral("team-a/db"))).testFlag(Qt::ItemNeverHasChildren));
    CHECK_FALSE(model.flags(model.index(0, 0)).testFlag(Qt::ItemNeverHasChildren)); // a group
}

TEST_CASE("TagTableModel: pages, natural sort, metadata, filter narrowing and widening", "[app]")
{
    Minato::Test::initAppOnce();
    TagTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.append({QStringLiteral("v1.9.0"), QStringLiteral("v1.10.0"), QStringLiteral("latest")});
    model.append({QStringLiteral("v1.2.0"), QStringLiteral("v1.9.0")}); // a duplicate is ignored
    CHECK(model.totalCount() == 4);
    CHECK(visibleTags(model) == QStringList{QStringLiteral("v1.9.0"), QStringLiteral("v1.10.0"), QStringLiteral("latest"), QStringLiteral("v1.2.0")});

    model.sort(TagTableModel::TagColumn, Qt::DescendingOrder);
    CHECK(visibleTags(model) == QStringList{QStringLiteral("v1.10.0"), QStringLiteral("v1.9.0"), QStringLiteral("v1.2.0"), QStringLiteral("latest")});
    CHECK(TagTableModel::naturalCompare(QStringLiteral("a01"), QStringLiteral("a1")) != 0);
    CHECK(TagTableModel::naturalCompare(QStringLiteral("A2"), QStringLiteral("a10")) < 0);

    Minato::Client::TagMetadata meta;
    meta.tag = QStringLiteral("v1.2.0");
    meta.state = Minato::Client::TagMetadata::State::Loaded;
    meta.size = 67'300'000;
    meta.created = QDateTime::currentDateTimeUtc().addDays(-2);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setMetadata(meta);
    REQUIRE(changed.size() == 1);
    const int row = model.rowOf(QStringLiteral("v1.2.0"));
    CHECK(model.index(row, TagTableModel::SizeColumn).data().toString() == QStringLiteral("67.3 MB"));
    CHECK(model.index(row, TagTableModel::CreatedColumn).data().toString() == QStringLiteral("2 days ago"));
    // By size, largest first; unknown sizes after known ones.
    model.sort(TagTableModel::SizeColumn, Qt::DescendingOrder);
    CHECK(model.tagAt(0) == QStringLiteral("v1.2.0"));
    model.sort(TagTableModel::SizeColumn, Qt::AscendingOrder);
    CHECK(model.tagAt(0) == QStringLiteral("v1.2.0"));

    model.sort(TagTableModel::TagColumn, Qt::AscendingOrder);
    model.setFilter(QStringLiteral("v1."));
    CHECK(visibleTags(model) == QStringList{QStringLiteral("v1.2.0"), QStringLiteral("v1.9.0"), QStringLiteral("v1.10.0")});
    model.setFilter(QStringLiteral("v1.1")); // narrowing
    CHECK(visibleTags(model) == QStringList{QStringLiteral("v1.10.0")});
    model.setFilter(QStringLiteral("v")); // widening
    CHECK(visibleTags(model).size() == 3);
    CHECK(model.rowOf(QStringLiteral("latest")) == -1);
}

TEST_CASE("TagTableModel: 100,000 tags filter on a worker thread and come back in order", "[app]")
{
    Minato::Test::initAppOnce();
    TagTableModel model;
    QStringList tags;
    for (int i = 0; i < 100000; ++i) {
        tags << QStringLiteral("t-%1").arg(i, 6, 10, QLatin1Char('0'));
    }
    model.append(tags);
    QSignalSpy applied(&model, &TagTableModel::filterApplied);
    model.setFilter(QStringLiteral("99"));
    CHECK(model.isFiltering()); // off the GUI thread
    // Tags arriving meanwhile are matched when the result lands.
    model.append({QStringLiteral("zz-99-late")});
    REQUIRE(waitUntil([&] { return applied.size() == 1; }));
    // t-000099, t-000199 … and every t-099xxx: 1000 + 10 * 100 − 10 overlap, + the late one.
    int expected = 0;
    for (const QString &t : std::as_const(tags)) {
        expected += t.contains(QStringLiteral("99"));
    }
    CHECK(model.visibleCount() == expected + 1);
    CHECK(model.tagAt(0) == QStringLiteral("t-000099"));
    CHECK(model.tagAt(model.visibleCount() - 1) == QStringLiteral("zz-99-late"));
    // Typing fast: only the last filter's result is applied.
    applied.clear();
    model.setFilter(QStringLiteral("t-0"));
    model.setFilter(QStringLiteral("t-01"));
    model.setFilter(QStringLiteral("t-012"));
    REQUIRE(waitUntil([&] { return !model.isFiltering(); }));
    QTest::qWait(50);
    CHECK(model.filterText() == QStringLiteral("t-012"));
    CHECK(model.visibleCount() == 1000);
}

TEST_CASE("TagTableModel: 100,000 tags sort on a worker thread, and a filter running meanwhile lands in the new order", "[app]")
{
    Minato::Test::initAppOnce();
    TagTableModel model;
    QStringList tags;
    for (int i = 0; i < 100000; ++i) {
        tags << QStringLiteral("t-%1").arg(i, 6, 10, QLatin1Char('0'));
    }
    model.append(tags);
    QSignalSpy sorted(&model, &TagTableModel::sortApplied);
    QSignalSpy applied(&model, &TagTableModel::filterApplied);
    model.sort(TagTableModel::TagColumn, Qt::DescendingOrder);
    CHECK(model.isSorting()); // off the GUI thread
    CHECK(model.tagAt(0) == QStringLiteral("t-000000")); // the old order until it lands
    model.setFilter(QStringLiteral("t-0999")); // started on the old order
    REQUIRE(waitUntil([&] { return sorted.size() == 1 && applied.size() == 1; }));
    CHECK_FALSE(model.isSorting());
    REQUIRE(model.visibleCount() == 100);
    CHECK(model.tagAt(0) == QStringLiteral("t-099999"));
    CHECK(model.tagAt(99) == QStringLiteral("t-099900"));
    // Widening to everything is not sorted again: the rows follow the sorted order of all tags.
    model.setFilter({});
    CHECK(model.visibleCount() == 100000);
    CHECK(model.tagAt(0) == QStringLiteral("t-099999"));
    CHECK(model.rowOf(QStringLiteral("t-000000")) == 99999);
    // A tag listed after the sort goes to the end until finishLoading() sorts again.
    model.append({QStringLiteral("t-100000")});
    CHECK(model.tagAt(100000) == QStringLiteral("t-100000"));
    model.finishLoading();
    REQUIRE(waitUntil([&] { return sorted.size() == 2; }));
    CHECK(model.tagAt(0) == QStringLiteral("t-100000"));
    CHECK(model.rowOf(QStringLiteral("t-000000")) == 100000);
}

TEST_CASE("Format: sizes, relative dates, short digests", "[app]")
{
    CHECK(Format::size(-1) == QStringLiteral("—"));
    CHECK(Format::size(999) == QStringLiteral("999 B"));
    CHECK(Format::size(1000) == QStringLiteral("1.0 kB"));
    CHECK(Format::size(67'300'000) == QStringLiteral("67.3 MB"));
    CHECK(Format::size(1'260'000'000) == QStringLiteral("1.3 GB"));
    const QDateTime now = QDateTime(QDate(2026, 11, 30), QTime(12, 0), Qt::UTC);
    CHECK(Format::relativeTime(now.addSecs(-30), now) == QStringLiteral("just now"));
    CHECK(Format::relativeTime(now.addSecs(-60), now) == QStringLiteral("1 minute ago"));
    CHECK(Format::relativeTime(now.addDays(-2), now) == QStringLiteral("2 days ago"));
    CHECK(Format::relativeTime(now.addDays(-400), now) == QStringLiteral("1 year ago"));
    CHECK(Format::relativeTime(QDateTime(), now) == QStringLiteral("—"));
    CHECK(Format::exactTime(now) == QStringLiteral("2026-11-30 12:00:00 UTC"));
    const auto digest = Minato::Oci::Digest::parse(u"sha256:3b2c1a9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3");
    REQUIRE(digest);
    CHECK(Format::shortDigest(digest.value()) == QStringLiteral("sha256:3b2c1a9f8e7d"));
    CHECK(Format::plural(1204, QStringLiteral("1 tag"), QStringLiteral("%1 tags")) == QStringLiteral("1,204 tags"));
}

TEST_CASE("PullCommands: references and commands pinned by digest", "[app]")
{
    const auto digest = Minato::Oci::Digest::parse(u"sha256:3b2c1a9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3");
    REQUIRE(digest);
    Minato::Client::ConnectionProfile hub;
    hub.baseUrl = QUrl(QStringLiteral("https://registry-1.docker.io"));
    hub.kind = Minato::Client::ConnectionProfile::Kind::DockerHub;
    PullCommands c(hub, QStringLiteral("library/nginx"), QStringLiteral("1.27"), digest.value());
    CHECK(c.byTag() == QStringLiteral("docker.io/library/nginx:1.27"));
    CHECK(c.byDigest() == QStringLiteral("docker.io/library/nginx@") + digest->toString());
    Minato::Client::ConnectionProfile local;
    local.baseUrl = QUrl(QStringLiteral("http://[::1]:5000"));
    PullCommands l(local, QStringLiteral("team/app"), {}, digest.value());
    QStringList texts;
    for (const auto &[label, text] : l.all()) {
        texts << text;
    }
    CHECK(texts.contains(QStringLiteral("docker pull [::1]:5000/team/app@") + digest->toString()));
    CHECK(texts.contains(QStringLiteral("image: [::1]:5000/team/app@") + digest->toString()));
    CHECK(texts.contains(QStringLiteral("crane pull [::1]:5000/team/app@") + digest->toString() + QStringLiteral(" image.tar")));
}
