// The Tasks panel's model and tasks against real registries (two minato-registry processes filled with the
// sample images): a copy whose progress reaches 100 % and ends Done, a copy cancelled while it runs, a delete
// of several tags, a delete that fails for one tag and is retried for that tag only, and the model under
// QAbstractItemModelTester throughout.
#include "apptestsupport.h"

#include "app/connectionspane.h"
#include "app/copydialog.h"
#include "app/deletedialog.h"
#include "app/mainwindow.h"
#include "app/retagdialog.h"
#include "app/retentiondialog.h"
#include "app/tagspane.h"
#include "app/tagtablemodel.h"
#include "app/task.h"
#include "app/taskspane.h"

#include "ui_copydialog.h"
#include "ui_deletedialog.h"
#include "ui_retagdialog.h"
#include "ui_retentiondialog.h"

#include "embeddedregistryprocess.h"
#include "sampleimages.h"
#include "standinserver.h"

#include "client/manifestquery.h"
#include "client/registryclient.h"
#include "client/tagsquery.h"

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QDockWidget>
#include <QMessageBox>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTableView>
#include <QTimer>
#include <QTreeWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>

#include <catch2/catch.hpp>

using namespace Minato::App;
using namespace Minato::Test;

namespace {

struct TwoRegistries
{
    EmbeddedRegistryProcess source;
    EmbeddedRegistryProcess target;
    TestSession s;

    TwoRegistries()
    {
        REQUIRE(source.start());
        REQUIRE(target.start());
        SampleImages samples(source.baseUrl());
        samples.setLayerScale(64 * 1024); // a few MiB per image: the copy takes long enough to watch
        QString error;
        INFO(error.toStdString());
        REQUIRE(samples.pushDemoSet(&error));
        REQUIRE(s.addConnection(QStringLiteral("source"), source.baseUrl()));
        REQUIRE(s.addConnection(QStringLiteral("target"), target.baseUrl()));
    }
};

int targetStatus(const EmbeddedRegistryProcess &registry, const QString &repository, const QString &tag)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(QUrl(registry.baseUrl().toString() + QStringLiteral("/v2/%1/manifests/%2").arg(repository, tag)));
    request.setRawHeader("Accept", "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json");
    QNetworkReply *reply = nam.head(request);
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(10000);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

} // namespace

TEST_CASE("Tasks: a copy reaches 100 % and ends Done, a running copy can be cancelled", "[app][tasks]")
{
    TwoRegistries r;
    TaskListModel tasks;
    QAbstractItemModelTester tester(&tasks, QAbstractItemModelTester::FailureReportingMode::Fatal);
    TasksPane pane;
    pane.setModel(&tasks);
    pane.resize(600, 300);
    pane.show();

    QList<int> percents;
    auto *copy = new CopyTask(r.s.session.get(), {QStringLiteral("source"), QStringLiteral("library/nginx"), QStringLiteral("1.27")},
                              {QStringLiteral("target"), QStringLiteral("mirror/nginx"), {}}, {});
    QObject::connect(copy, &Task::changed, copy, [copy, &percents]() {
        if (copy->total() > 0) {
            percents.append(int(copy->done() * 100 / copy->total()));
        }
    });
    int runningSeen = -1;
    QObject::connect(&tasks, &TaskListModel::runningChanged, &tasks, [&runningSeen](int n) { runningSeen = n; });
    tasks.add(copy);
    CHECK(tasks.rowCount() == 1);
    CHECK(runningSeen == 1);
    CHECK(pane.cancelButton()->isEnabled());
    REQUIRE(waitUntil([&] { return !copy->isRunning(); }, 60000));
    INFO(copy->errorText().toStdString());
    REQUIRE(copy->state() == Task::State::Succeeded);
    REQUIRE_FALSE(percents.isEmpty());
    CHECK(percents.constLast() == 100);
    CHECK(copy->detail().startsWith(QStringLiteral("Copied")));
    CHECK(runningSeen == 0);
    CHECK(targetStatus(r.target, QStringLiteral("mirror/nginx"), QStringLiteral("1.27")) == 200);
    CHECK_FALSE(pane.cancelButton()->isEnabled());
    CHECK(pane.clearButton()->isEnabled());

    // Cancelled while it runs: Cancelled, nothing tagged in the target, Clear finished empties the list.
    auto *second = new CopyTask(r.s.session.get(), {QStringLiteral("source"), QStringLiteral("team-a/api"), QStringLiteral("v1.2.3")},
                                {QStringLiteral("target"), QStringLiteral("mirror/api"), {}}, {});
    tasks.add(second);
    REQUIRE(tasks.task(0) == second);
    pane.view()->setCurrentIndex(tasks.index(0));
    REQUIRE(pane.cancelButton()->isEnabled());
    pane.cancelButton()->click();
    CHECK(second->state() == Task::State::Cancelled);
    CHECK(targetStatus(r.target, QStringLiteral("mirror/api"), QStringLiteral("v1.2.3")) == 404);
    CHECK(pane.retryButton()->isEnabled() == false);
    pane.clearButton()->click();
    CHECK(waitUntil([&] { return tasks.rowCount() == 0; }));
}

TEST_CASE("Tasks: deleting tags, a failure retried for the failed tag only", "[app][tasks]")
{
    TwoRegistries r;
    TaskListModel tasks;
    QAbstractItemModelTester tester(&tasks, QAbstractItemModelTester::FailureReportingMode::Fatal);

    auto *remove = new DeleteTagsTask(r.s.session.get(), QStringLiteral("source"), QStringLiteral("library/alpine"),
                                      {QStringLiteral("3.18"), QStringLiteral("3.19")});
    QStringList gone;
    QObject::connect(remove, &DeleteTagsTask::tagDeleted, remove,
                     [&gone](const QString &, const QString &, const QString &tag) { gone.append(tag); });
    tasks.add(remove);
    REQUIRE(waitUntil([&] { return !remove->isRunning(); }));
    INFO(remove->errorText().toStdString());
    REQUIRE(remove->state() == Task::State::Succeeded);
    CHECK(gone == QStringList{QStringLiteral("3.18"), QStringLiteral("3.19")});
    CHECK(targetStatus(r.source, QStringLiteral("library/alpine"), QStringLiteral("3.18")) == 404);
    CHECK(remove->done() == 2);

    // One tag that does not exist: the task fails for it, says so, and a retry tries that tag only.
    auto *partly = new DeleteTagsTask(r.s.session.get(), QStringLiteral("source"), QStringLiteral("library/alpine"),
                                      {QStringLiteral("latest"), QStringLiteral("no-such-tag")});
    tasks.add(partly);
    REQUIRE(waitUntil([&] { return !partly->isRunning(); }));
    REQUIRE(partly->state() == Task::State::Failed);
    CHECK(partly->deleted() == QStringList{QStringLiteral("latest")});
    REQUIRE(partly->failures().size() == 1);
    CHECK(partly->failures().constFirst().first == QStringLiteral("no-such-tag"));
    CHECK_FALSE(partly->errorText().isEmpty());
    CHECK(partly->detail().contains(QStringLiteral("no-such-tag")));
    REQUIRE(partly->canRetry());
    partly->retry();
    REQUIRE(waitUntil([&] { return !partly->isRunning(); }));
    CHECK(partly->state() == Task::State::Failed);
    CHECK(partly->runs() == 2);
    CHECK(partly->deleted() == QStringList{QStringLiteral("latest")}); // nothing deleted twice
}

TEST_CASE("Copy dialog: a destination, platforms (a subset says it makes a new index), and the copy it starts",
          "[app][tasks][dialogs]")
{
    TwoRegistries r;
    const QList<Minato::Oci::Platform> platforms = {*Minato::Oci::Platform::parse(u"linux/amd64"),
                                                    *Minato::Oci::Platform::parse(u"linux/arm64/v8"),
                                                    *Minato::Oci::Platform::parse(u"linux/arm/v7")};
    CopyDialog dialog(r.s.session.get(), {QStringLiteral("source"), QStringLiteral("library/nginx"), QStringLiteral("1.27")},
                      platforms);
    dialog.show();
    Ui::CopyDialog *ui = dialog.ui();
    CHECK(ui->connectionCombo->currentText() == QStringLiteral("target")); // another connection by default
    CHECK(ui->repositoryEdit->text() == QStringLiteral("library/nginx"));
    CHECK(ui->tagEdit->text() == QStringLiteral("1.27"));
    CHECK(dialog.copyButton()->isEnabled());
    CHECK(ui->subsetWarning->isHidden());
    CHECK(dialog.options().platforms.isEmpty());

    ui->repositoryEdit->setText(QStringLiteral("Not/Valid"));
    CHECK_FALSE(dialog.copyButton()->isEnabled());
    CHECK(ui->problemLabel->isVisible());
    ui->repositoryEdit->setText(QStringLiteral("mirror/nginx"));
    ui->connectionCombo->setCurrentText(QStringLiteral("source"));
    ui->repositoryEdit->setText(QStringLiteral("library/nginx"));
    CHECK_FALSE(dialog.copyButton()->isEnabled()); // where the image already is
    ui->connectionCombo->setCurrentText(QStringLiteral("target"));
    ui->repositoryEdit->setText(QStringLiteral("mirror/nginx"));
    ui->tagEdit->setText(QStringLiteral("arm"));

    ui->allPlatformsCheck->setChecked(false);
    ui->platformList->item(0)->setCheckState(Qt::Unchecked);
    CHECK(ui->subsetWarning->isVisible());
    REQUIRE(dialog.options().platforms.size() == 2);
    CHECK(dialog.options().platforms.constFirst().architecture == QStringLiteral("arm64"));
    ui->platformList->item(1)->setCheckState(Qt::Unchecked);
    ui->platformList->item(2)->setCheckState(Qt::Unchecked);
    CHECK_FALSE(dialog.copyButton()->isEnabled()); // no platform chosen
    ui->platformList->item(1)->setCheckState(Qt::Checked);
    REQUIRE(dialog.copyButton()->isEnabled());

    TaskListModel tasks;
    auto *task = dialog.makeTask();
    tasks.add(task);
    REQUIRE(waitUntil([&] { return !task->isRunning(); }, 60000));
    INFO(task->errorText().toStdString());
    REQUIRE(task->state() == Task::State::Succeeded);
    REQUIRE(task->result());
    CHECK(task->result()->originalDigest.isValid());
    CHECK(task->detail().contains(QStringLiteral("new index")));
    CHECK(targetStatus(r.target, QStringLiteral("mirror/nginx"), QStringLiteral("arm")) == 200);
}

TEST_CASE("Delete dialog: lists what a delete touches, Cancel leaves it all, many tags need the name typed",
          "[app][tasks][dialogs]")
{
    TwoRegistries r;
    {
        DeleteDialog dialog(r.s.session.get(), QStringLiteral("source"), QStringLiteral("library/alpine"),
                            {QStringLiteral("3.20")});
        dialog.show();
        CHECK_FALSE(dialog.deleteButton()->isEnabled()); // not before the plan is known
        REQUIRE(waitUntil([&] { return dialog.isPlanned(); }));
        const QTreeWidget *tree = dialog.ui()->affectedTree;
        REQUIRE(tree->topLevelItemCount() == 2);
        CHECK(tree->topLevelItem(1)->text(0).contains(QStringLiteral("1 other tag")));
        REQUIRE(tree->topLevelItem(1)->childCount() == 1);
        CHECK(tree->topLevelItem(1)->child(0)->text(0) == QStringLiteral("latest"));
        CHECK(dialog.affectedCount() == 2);
        CHECK(dialog.deleteButton()->isEnabled());
        CHECK(dialog.ui()->confirmEdit->isHidden());
        dialog.reject();
    }
    CHECK(targetStatus(r.source, QStringLiteral("library/alpine"), QStringLiteral("3.20")) == 200);
    {
        // An image with a signature and an SBOM: both listed as left without their image.
        DeleteDialog dialog(r.s.session.get(), QStringLiteral("source"), QStringLiteral("team-a/api"),
                            {QStringLiteral("v1.2.3")});
        REQUIRE(waitUntil([&] { return dialog.isPlanned(); }));
        bool referrers = false;
        for (int i = 0; i < dialog.ui()->affectedTree->topLevelItemCount(); ++i) {
            const QTreeWidgetItem *item = dialog.ui()->affectedTree->topLevelItem(i);
            referrers = referrers || (item->text(0).contains(QStringLiteral("left without")) && item->childCount() == 2);
        }
        CHECK(referrers);
    }
    {
        const QStringList many = {QStringLiteral("v1.0.0"), QStringLiteral("v1.0.1"), QStringLiteral("v1.1.0"),
                                  QStringLiteral("v1.1.1"), QStringLiteral("v1.1.2"), QStringLiteral("v1.2.0"),
                                  QStringLiteral("v1.2.1"), QStringLiteral("v1.2.2"), QStringLiteral("v1.2.3"),
                                  QStringLiteral("v1.10.0"), QStringLiteral("latest")};
        DeleteDialog dialog(r.s.session.get(), QStringLiteral("source"), QStringLiteral("team-a/api"), many);
        dialog.show();
        REQUIRE(dialog.isPlanned());
        CHECK(dialog.affectedCount() == 11);
        REQUIRE(dialog.needsTypedConfirmation());
        CHECK(dialog.ui()->confirmEdit->isVisible());
        CHECK_FALSE(dialog.deleteButton()->isEnabled());
        QTest::keyClicks(dialog.ui()->confirmEdit, QStringLiteral("team-a/ap"));
        CHECK_FALSE(dialog.deleteButton()->isEnabled());
        QTest::keyClicks(dialog.ui()->confirmEdit, QStringLiteral("i"));
        REQUIRE(dialog.deleteButton()->isEnabled());
        TaskListModel tasks;
        auto *task = dialog.makeTask();
        tasks.add(task);
        REQUIRE(waitUntil([&] { return !task->isRunning(); }));
        INFO(task->errorText().toStdString());
        CHECK(task->state() == Task::State::Succeeded);
        CHECK(task->deleted().size() == 11);
        CHECK(targetStatus(r.source, QStringLiteral("team-a/api"), QStringLiteral("v1.0.0")) == 404);
    }
}

namespace {

// Runs `act` on the next modal dialog that opens (the window's exec() blocks the test meanwhile).
template<typename Dialog>
void onNextDialog(const std::function<void(Dialog *)> &act)
{
    QTimer::singleShot(0, [act]() {
        QTimer *poll = new QTimer;
        QObject::connect(poll, &QTimer::timeout, poll, [poll, act]() {
            if (auto *dialog = qobject_cast<Dialog *>(QApplication::activeModalWidget())) {
                poll->stop();
                poll->deleteLater();
                act(dialog);
            }
        });
        poll->start(20);
    });
}

} // namespace

TEST_CASE("Tasks in the real window: copy to another registry, delete through the confirmation, Cancel keeps all",
          "[app][tasks][window]")
{
    TwoRegistries r;
    MainWindow window(r.s.session.get());
    window.resize(1280, 800);
    window.show();
    TagsPane *tags = window.tagsPane();
    tags->showRepository(QStringLiteral("source"), QStringLiteral("library/alpine"));
    tags->selectTag(QStringLiteral("3.19"));
    REQUIRE(waitUntil([&] { return tags->currentTag() == QStringLiteral("3.19"); }));
    CHECK(window.tasksDock()->isHidden());

    // Copy to… (Ctrl+Shift+C): the dialog proposes another connection; the task shows in the Tasks dock.
    onNextDialog<CopyDialog>([](CopyDialog *dialog) {
        dialog->ui()->repositoryEdit->setText(QStringLiteral("mirror/alpine"));
        dialog->copyButton()->click();
    });
    QTest::keyClick(tags->view(), Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    REQUIRE(window.tasks()->rowCount() == 1);
    CHECK(window.tasksDock()->isVisible());
    Task *copy = window.tasks()->task(0);
    REQUIRE(waitUntil([&] { return !copy->isRunning(); }, 60000));
    INFO(copy->errorText().toStdString());
    CHECK(copy->state() == Task::State::Succeeded);
    CHECK(copy->done() == copy->total());
    CHECK(targetStatus(r.target, QStringLiteral("mirror/alpine"), QStringLiteral("3.19")) == 200);

    // Delete (Del) then Cancel: nothing happens.
    window.activateWindow();
    REQUIRE(QTest::qWaitForWindowActive(&window));
    tags->view()->setFocus();
    onNextDialog<DeleteDialog>([](DeleteDialog *dialog) {
        REQUIRE(waitUntil([&] { return dialog->isPlanned(); }));
        dialog->reject();
    });
    QTest::keyClick(tags->view(), Qt::Key_Delete);
    CHECK(window.tasks()->rowCount() == 1);
    CHECK(targetStatus(r.source, QStringLiteral("library/alpine"), QStringLiteral("3.19")) == 200);

    // Delete two selected tags, confirmed: a task, and the table follows.
    tags->view()->selectionModel()->select(
        tags->model()->index(tags->model()->rowOf(QStringLiteral("3.18")), 0),
        QItemSelectionModel::Select | QItemSelectionModel::Rows);
    REQUIRE(tags->selectedTags().size() == 2);
    // Offscreen, a closed modal dialog does not hand activation back: shortcuts need an active window.
    window.activateWindow();
    REQUIRE(QTest::qWaitForWindowActive(&window));
    tags->view()->setFocus();
    onNextDialog<DeleteDialog>([](DeleteDialog *dialog) {
        REQUIRE(dialog->affectedCount() == 2);
        dialog->deleteButton()->click();
    });
    QTest::keyClick(tags->view(), Qt::Key_Delete);
    REQUIRE(window.tasks()->rowCount() == 2);
    Task *removal = window.tasks()->task(0);
    REQUIRE(waitUntil([&] { return !removal->isRunning(); }));
    INFO(removal->errorText().toStdString());
    CHECK(removal->state() == Task::State::Succeeded);
    CHECK(waitUntil([&] {
        return !tags->isLoading() && tags->model()->rowOf(QStringLiteral("3.19")) < 0 &&
               tags->model()->rowOf(QStringLiteral("3.18")) < 0 && tags->model()->rowOf(QStringLiteral("3.20")) >= 0;
    }));
}

TEST_CASE("Closing the window while a task runs asks first: Keep running, or Stop and quit", "[app][tasks][window]")
{
    // A source that never answers (a stand-in: no real registry hangs on cue) keeps the copy running.
    StandInServer silent;
    REQUIRE(silent.listen());
    silent.setHandler([](const StandInRequest &) { return StandInResponse::noAnswer(); });
    EmbeddedRegistryProcess target;
    REQUIRE(target.start());
    TestSession s;
    REQUIRE(s.addConnection(QStringLiteral("silent"), silent.baseUrl()));
    REQUIRE(s.addConnection(QStringLiteral("target"), target.baseUrl()));
    MainWindow window(s.session.get());
    window.show();
    auto *copy = new CopyTask(s.session.get(), {QStringLiteral("silent"), QStringLiteral("a/b"), QStringLiteral("v1")},
                              {QStringLiteral("target"), QStringLiteral("a/b"), {}}, {});
    window.tasks()->add(copy);
    REQUIRE(copy->isRunning());

    onNextDialog<QMessageBox>([](QMessageBox *box) {
        CHECK(box->text().contains(QStringLiteral("1 task is still running")));
        for (QAbstractButton *button : box->buttons()) {
            if (button->text() == QStringLiteral("Keep running")) {
                button->click();
            }
        }
    });
    CHECK_FALSE(window.close());
    CHECK(window.isVisible());
    CHECK(copy->isRunning());

    onNextDialog<QMessageBox>([](QMessageBox *box) {
        for (QAbstractButton *button : box->buttons()) {
            if (button->text() == QStringLiteral("Stop and quit")) {
                button->click();
            }
        }
    });
    CHECK(window.close());
    CHECK(copy->state() == Task::State::Cancelled);
}

TEST_CASE("F2 gives a tag another name: the same digest, and the table shows it", "[app][tasks][window]")
{
    TwoRegistries r;
    MainWindow window(r.s.session.get());
    window.resize(1280, 800);
    window.show();
    TagsPane *tags = window.tagsPane();
    tags->showRepository(QStringLiteral("source"), QStringLiteral("team-a/web"));
    tags->selectTag(QStringLiteral("2026.11.1"));
    REQUIRE(waitUntil([&] { return tags->currentTag() == QStringLiteral("2026.11.1"); }));
    window.activateWindow();
    REQUIRE(QTest::qWaitForWindowActive(&window));
    tags->view()->setFocus();

    onNextDialog<RetagDialog>([](RetagDialog *dialog) {
        CHECK_FALSE(dialog->tagButton()->isEnabled()); // nothing typed yet
        QTest::keyClicks(dialog->ui()->tagEdit, QStringLiteral("bad tag"));
        CHECK_FALSE(dialog->tagButton()->isEnabled());
        dialog->ui()->tagEdit->setText(QStringLiteral("stable"));
        REQUIRE(dialog->tagButton()->isEnabled());
        dialog->tagButton()->click();
    });
    QTest::keyClick(tags->view(), Qt::Key_F2);
    REQUIRE(window.tasks()->rowCount() == 1);
    Task *task = window.tasks()->task(0);
    REQUIRE(waitUntil([&] { return !task->isRunning(); }));
    INFO(task->errorText().toStdString());
    REQUIRE(task->state() == Task::State::Succeeded);
    REQUIRE(waitUntil([&] { return !tags->isLoading() && tags->model()->rowOf(QStringLiteral("stable")) >= 0; }));

    // The same manifest under both names.
    auto *a = r.s.session->client(QStringLiteral("source"))->manifest(QStringLiteral("team-a/web"), QStringLiteral("stable"), true);
    auto *b = r.s.session->client(QStringLiteral("source"))->manifest(QStringLiteral("team-a/web"), QStringLiteral("2026.11.1"), true);
    std::optional<Minato::Client::ManifestResult> ra;
    std::optional<Minato::Client::ManifestResult> rb;
    QObject::connect(a, &Minato::Client::ManifestQuery::finished, a, [&ra](const Minato::Client::ManifestResult &x) { ra = x; });
    QObject::connect(b, &Minato::Client::ManifestQuery::finished, b, [&rb](const Minato::Client::ManifestResult &x) { rb = x; });
    a->start();
    b->start();
    REQUIRE(waitUntil([&] { return ra && rb; }));
    REQUIRE(*ra);
    REQUIRE(*rb);
    CHECK(ra->value().digest == rb->value().digest);
}

TEST_CASE("Clean up old tags: the preview lists exactly what the rules delete, and only that is deleted",
          "[app][tasks][dialogs]")
{
    TwoRegistries r;
    RetentionDialog dialog(r.s.session.get(), QStringLiteral("source"), QStringLiteral("team-a/api"));
    dialog.show();
    Ui::RetentionDialog *ui = dialog.ui();
    CHECK_FALSE(dialog.deleteButton()->isEnabled()); // nothing before a preview
    ui->keepCheck->setChecked(true);
    ui->keepSpin->setValue(3);
    ui->olderCheck->setChecked(false);
    ui->matchEdit->setText(QStringLiteral("^v"));
    dialog.preview();
    REQUIRE(waitUntil([&] { return dialog.plan().has_value(); }, 30000));
    const QStringList expected = {QStringLiteral("v1.2.1"), QStringLiteral("v1.2.0"), QStringLiteral("v1.1.2"),
                                  QStringLiteral("v1.1.1"), QStringLiteral("v1.1.0"), QStringLiteral("v1.0.1"),
                                  QStringLiteral("v1.0.0")};
    CHECK(dialog.plan()->toDelete() == expected);
    CHECK(ui->planTree->topLevelItemCount() == 11); // every tag listed, kept ones too
    CHECK(dialog.deleteButton()->text() == QStringLiteral("&Delete 7 tags"));
    REQUIRE(dialog.deleteButton()->isEnabled());
    CHECK(ui->summaryLabel->text().contains(QStringLiteral("Would delete 7 of 11 tags")));

    // A rule changed: the preview is gone, and with it the Delete button.
    ui->keepSpin->setValue(2);
    CHECK_FALSE(dialog.plan().has_value());
    CHECK_FALSE(dialog.deleteButton()->isEnabled());
    ui->keepSpin->setValue(3);
    dialog.preview();
    REQUIRE(waitUntil([&] { return dialog.plan().has_value(); }, 30000));
    REQUIRE(dialog.plan()->toDelete() == expected);
    // Nothing has been deleted by previewing.
    CHECK(targetStatus(r.source, QStringLiteral("team-a/api"), QStringLiteral("v1.0.0")) == 200);

    TaskListModel tasks;
    auto *task = dialog.makeTask();
    REQUIRE(task);
    tasks.add(task);
    REQUIRE(waitUntil([&] { return !task->isRunning(); }));
    INFO(task->errorText().toStdString());
    REQUIRE(task->state() == Task::State::Succeeded);
    for (const QString &tag : expected) {
        CHECK(targetStatus(r.source, QStringLiteral("team-a/api"), tag) == 404);
    }
    for (const QString &tag : {QStringLiteral("v1.10.0"), QStringLiteral("latest"), QStringLiteral("v1.2.3"),
                               QStringLiteral("v1.2.2")}) {
        CHECK(targetStatus(r.source, QStringLiteral("team-a/api"), tag) == 200);
    }
}

TEST_CASE("Export and import tasks: an OCI layout and a docker-archive written, then pushed into another registry",
          "[app][tasks]")
{
    TwoRegistries r;
    QTemporaryDir dir;
    TaskListModel tasks;
    QAbstractItemModelTester tester(&tasks, QAbstractItemModelTester::FailureReportingMode::Fatal);

    auto *layout = new ExportTask(r.s.session.get(), QStringLiteral("source"), QStringLiteral("library/nginx"),
                                  QStringLiteral("1.27"), dir.filePath(QStringLiteral("nginx")), {});
    tasks.add(layout);
    Minato::Client::ImageExport::Options archiveOptions;
    archiveOptions.format = Minato::Client::ImageExport::Format::DockerArchive;
    archiveOptions.platform = Minato::Oci::Platform::parse(u"linux/arm64/v8").toOptional();
    auto *archive = new ExportTask(r.s.session.get(), QStringLiteral("source"), QStringLiteral("library/nginx"),
                                   QStringLiteral("1.27"), dir.filePath(QStringLiteral("nginx-arm64.tar")), archiveOptions);
    tasks.add(archive);
    REQUIRE(waitUntil([&] { return !layout->isRunning() && !archive->isRunning(); }, 60000));
    INFO(layout->errorText().toStdString() + archive->errorText().toStdString());
    REQUIRE(layout->state() == Task::State::Succeeded);
    REQUIRE(archive->state() == Task::State::Succeeded);
    CHECK(QFileInfo::exists(dir.filePath(QStringLiteral("nginx/index.json"))));
    CHECK(QFileInfo(dir.filePath(QStringLiteral("nginx-arm64.tar"))).size() > 0);
    CHECK(layout->done() == layout->total());

    auto *fromLayout = new ImportTask(r.s.session.get(), dir.filePath(QStringLiteral("nginx")), QStringLiteral("target"),
                                      QStringLiteral("imported/nginx"), QStringLiteral("1.27"));
    auto *fromArchive = new ImportTask(r.s.session.get(), dir.filePath(QStringLiteral("nginx-arm64.tar")),
                                       QStringLiteral("target"), QStringLiteral("imported/nginx"), QStringLiteral("arm64"));
    tasks.add(fromLayout);
    tasks.add(fromArchive);
    REQUIRE(waitUntil([&] { return !fromLayout->isRunning() && !fromArchive->isRunning(); }, 60000));
    INFO(fromLayout->errorText().toStdString() + fromArchive->errorText().toStdString());
    CHECK(fromLayout->state() == Task::State::Succeeded);
    CHECK(fromArchive->state() == Task::State::Succeeded);
    CHECK(targetStatus(r.target, QStringLiteral("imported/nginx"), QStringLiteral("1.27")) == 200);
    CHECK(targetStatus(r.target, QStringLiteral("imported/nginx"), QStringLiteral("arm64")) == 200);

    // A file that is not an image: the task fails with a sentence, nothing pushed.
    QFile junk(dir.filePath(QStringLiteral("junk.tar")));
    REQUIRE(junk.open(QIODevice::WriteOnly));
    junk.write("not a tar archive at all");
    junk.close();
    auto *bad = new ImportTask(r.s.session.get(), junk.fileName(), QStringLiteral("target"), QStringLiteral("imported/junk"),
                               QStringLiteral("v1"));
    tasks.add(bad);
    REQUIRE(waitUntil([&] { return !bad->isRunning(); }));
    CHECK(bad->state() == Task::State::Failed);
    CHECK_FALSE(bad->errorText().isEmpty());
    CHECK(targetStatus(r.target, QStringLiteral("imported/junk"), QStringLiteral("v1")) == 404);
}

TEST_CASE("The status bar shows the pull limit the shown connection's registry reports", "[app][window]")
{
    // A stand-in for Docker Hub's registry (not reachable here), with its documented rate-limit headers.
    StandInServer registry;
    REQUIRE(registry.listen());
    registry.setHandler([](const StandInRequest &r) {
        StandInResponse response = StandInResponse::json(r.path == "/v2/" ? 200 : 404, "{}");
        if (r.path.startsWith("/v2/library/alpine/manifests/")) {
            response = StandInResponse::json(200, "{}");
            response.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"},
                                {"Docker-Content-Digest", "sha256:" + QByteArray(64, 'a')},
                                {"ratelimit-limit", "100;w=21600"},
                                {"ratelimit-remaining", "7;w=21600"}};
        }
        return response;
    });
    TestSession s;
    REQUIRE(s.addConnection(QStringLiteral("hub"), registry.baseUrl()));
    MainWindow window(s.session.get());
    window.show();
    auto *label = window.findChild<QLabel *>(QStringLiteral("pullRateLimit"));
    REQUIRE(label);
    window.connectionsPane()->selectConnection(QStringLiteral("hub"));
    CHECK(label->isHidden()); // nothing reported yet

    auto *head = s.session->client(QStringLiteral("hub"))->manifest(QStringLiteral("library/alpine"), QStringLiteral("3.19"), true);
    QObject::connect(head, &Minato::Client::ManifestQuery::finished, head, &QObject::deleteLater);
    head->start();
    REQUIRE(waitUntil([&] { return label->isVisible(); }));
    CHECK(label->text() == QStringLiteral("Docker Hub pulls left: 7 of 100 (per 6 hours)"));
    CHECK(label->styleSheet().contains(QStringLiteral("#c0392b"))); // under a tenth left
}

TEST_CASE("Ctrl+C in the tag table copies the selected tags' references, one per line", "[app][window]")
{
    TwoRegistries r;
    MainWindow window(r.s.session.get());
    window.show();
    TagsPane *tags = window.tagsPane();
    tags->showRepository(QStringLiteral("source"), QStringLiteral("library/alpine"));
    tags->selectTag(QStringLiteral("3.19"));
    REQUIRE(waitUntil([&] { return tags->currentTag() == QStringLiteral("3.19"); }));
    tags->view()->selectionModel()->select(tags->model()->index(tags->model()->rowOf(QStringLiteral("3.18")), 0),
                                           QItemSelectionModel::Select | QItemSelectionModel::Rows);
    window.activateWindow();
    REQUIRE(QTest::qWaitForWindowActive(&window));
    tags->view()->setFocus();
    QApplication::clipboard()->clear();
    QTest::keyClick(tags->view(), Qt::Key_C, Qt::ControlModifier);
    const QString host = r.source.hostPort();
    QStringList copied = QApplication::clipboard()->text().split(u'\n');
    copied.sort();
    CHECK(copied == QStringList{host + QStringLiteral("/library/alpine:3.18"), host + QStringLiteral("/library/alpine:3.19")});

    // In the filter field Ctrl+C stays the field's own.
    tags->filterEdit()->setText(QStringLiteral("3.1"));
    tags->filterEdit()->selectAll();
    tags->filterEdit()->setFocus();
    QTest::keyClick(tags->filterEdit(), Qt::Key_C, Qt::ControlModifier);
    CHECK(QApplication::clipboard()->text() == QStringLiteral("3.1"));
}
