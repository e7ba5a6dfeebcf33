// The real window against a real registry (minato-registry as a process) filled with SampleImages:
// connections, repositories paging in, filters, a tag's tabs, Ctrl+L, the connection dialog, errors in place.
#include "app/connectiondialog.h"
#include "app/connectionspane.h"
#include "app/detailspane.h"
#include "app/errorbanner.h"
#include "app/mainwindow.h"
#include "app/repositoriespane.h"
#include "app/repositorymodel.h"
#include "app/tagspane.h"
#include "app/tagtablemodel.h"

#include "apptestsupport.h"
#include "embeddedregistryprocess.h"
#include "sampleimages.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>

#include <catch2/catch.hpp>

using namespace Minato::App;
using Minato::Test::EmbeddedRegistryProcess;
using Minato::Test::SampleImages;
using Minato::Test::TestSession;
using Minato::Test::waitUntil;

namespace {

struct Fixture
{
    EmbeddedRegistryProcess registry;
    TestSession s;
    std::unique_ptr<MainWindow> window;

    bool start()
    {
        if (!registry.start({QStringLiteral("--no-fsync")})) {
            return false;
        }
        SampleImages samples(registry.baseUrl());
        samples.setLayerScale(512);
        QString error;
        if (!samples.pushDemoSet(&error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        if (!s.addConnection(QStringLiteral("lab"), registry.baseUrl())) {
            return false;
        }
        window = std::make_unique<MainWindow>(s.session.get());
        window->resize(1300, 820);
        window->show();
        return QTest::qWaitForWindowExposed(window.get());
    }
};

QStringList treeTexts(QTreeWidget *tree, int column)
{
    QStringList texts;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        texts << tree->topLevelItem(i)->text(column);
    }
    return texts;
}

} // namespace

TEST_CASE("Browse: repositories page in, filter, a tag's overview, layers, config, history, referrers, raw", "[app][e2e]")
{
    Fixture f;
    REQUIRE(f.start());
    MainWindow &w = *f.window;
    RepositoriesPane *repos = w.repositoriesPane();
    TagsPane *tags = w.tagsPane();
    DetailsPane *details = w.detailsPane();

    w.connectionsPane()->selectConnection(QStringLiteral("lab"));
    REQUIRE(waitUntil([&] { return !repos->isLoading() && repos->model()->totalCount() == 7; }));
    CHECK(repos->findChild<QLabel *>(QStringLiteral("repositoryCount"))->text() == QStringLiteral("7 repositories"));
    CHECK(repos->banner()->isHidden());

    // Ctrl+F goes to the repository filter; typing narrows the tree.
    QTest::keyClick(&w, Qt::Key_F, Qt::ControlModifier);
    CHECK(repos->filterEdit()->hasFocus());
    QTest::keyClicks(repos->filterEdit(), QStringLiteral("team"));
    CHECK(repos->model()->visibleCount() == 4);
    CHECK(repos->findChild<QLabel *>(QStringLiteral("repositoryCount"))->text() == QStringLiteral("4 of 7 repositories"));

    // Picking a repository lists its tags, highest versions first.
    const QModelIndex api = repos->model()->indexOf(QStringLiteral("team-a/api"));
    REQUIRE(api.isValid());
    repos->view()->setCurrentIndex(api);
    REQUIRE(waitUntil([&] { return !tags->isLoading() && tags->model()->totalCount() == 11; }));
    CHECK(tags->model()->tagAt(0) == QStringLiteral("v1.10.0"));
    CHECK(tags->model()->tagAt(1) == QStringLiteral("v1.2.3"));
    // The rows on screen get their details without a click.
    REQUIRE(waitUntil([&] {
        const auto *m = tags->model()->metadata(QStringLiteral("v1.10.0"));
        return m && m->state == Minato::Client::TagMetadata::State::Loaded;
    }));
    CHECK(tags->model()->index(0, TagTableModel::PlatformsColumn).data().toString() == QStringLiteral("linux/amd64"));
    CHECK(tags->model()->index(0, TagTableModel::SizeColumn).data().toString().endsWith(QStringLiteral("kB")));

    // The tag filter.
    QTest::keyClicks(tags->filterEdit(), QStringLiteral("v1.2"));
    REQUIRE(waitUntil([&] { return tags->model()->visibleCount() == 4; }));

    // Opening v1.2.3: every tab has its content.
    QSignalSpy loaded(details, &DetailsPane::loaded);
    tags->selectTag(QStringLiteral("v1.2.3"));
    REQUIRE(waitUntil([&] { return loaded.size() >= 1; }));
    CHECK(loaded.last().at(0).toBool());
    auto *overview = details->findChild<QTextBrowser *>(QStringLiteral("overviewView"));
    const QString text = overview->toPlainText();
    CHECK(text.contains(f.s.session->connection(QStringLiteral("lab")) ? QStringLiteral("OCI image manifest") : QString()));
    CHECK(text.contains(QStringLiteral("4 layers")));
    CHECK(text.contains(QStringLiteral("1 signature")));
    CHECK(text.contains(QStringLiteral("1 SBOM")));
    CHECK(text.contains(QStringLiteral("/docker-entrypoint.sh")));

    auto *layers = details->findChild<QTreeWidget *>(QStringLiteral("layersView"));
    CHECK(layers->topLevelItemCount() == 4);
    auto *config = details->findChild<QTreeWidget *>(QStringLiteral("configView"));
    const QStringList keys = treeTexts(config, 0);
    CHECK(keys.contains(QStringLiteral("Entrypoint")));
    CHECK(keys.contains(QStringLiteral("Env")));
    CHECK(config->topLevelItem(int(keys.indexOf(QStringLiteral("User"))))->text(1) == QStringLiteral("app"));
    auto *history = details->findChild<QTreeWidget *>(QStringLiteral("historyView"));
    CHECK(history->topLevelItemCount() == 5); // four layers and the CMD step
    CHECK(history->topLevelItem(0)->text(2).startsWith(QStringLiteral("ADD alpine-minirootfs")));
    auto *referrers = details->findChild<QTreeWidget *>(QStringLiteral("referrersView"));
    // A tree by kind: signatures first, then SBOMs.
    CHECK(treeTexts(referrers, 0) == QStringList{QStringLiteral("Signatures (1)"), QStringLiteral("SBOMs (1)")});
    CHECK(referrers->topLevelItem(0)->child(0)->text(1) == QStringLiteral("application/vnd.dev.cosign.artifact.sig.v1+json"));
    CHECK(referrers->topLevelItem(1)->child(0)->text(4) == QStringLiteral("referrers API"));
    auto *raw = details->findChild<QPlainTextEdit *>(QStringLiteral("rawView"));
    CHECK(raw->toPlainText().contains(QStringLiteral("\"schemaVersion\": 2")));

    // Copy entries: the pull command pinned by the verified digest.
    const QString digest = details->inspection()->digest.toString();
    bool pinned = false;
    for (const auto &[label, value] : details->copyEntries()) {
        pinned = pinned || value == QStringLiteral("docker pull %1/team-a/api@%2").arg(f.registry.hostPort(), digest);
    }
    CHECK(pinned);
    // The inspection fed the table: the row shows the same digest.
    CHECK(tags->model()->index(tags->model()->rowOf(QStringLiteral("v1.2.3")), 0).data(TagTableModel::DigestRole).toString()
          == digest);
}

TEST_CASE("Browse: Ctrl+L opens an index, the platform chooser picks an image, a new host gets a connection", "[app][e2e]")
{
    Fixture f;
    REQUIRE(f.start());
    MainWindow &w = *f.window;
    DetailsPane *details = w.detailsPane();
    QSignalSpy loaded(details, &DetailsPane::loaded);

    // Ctrl+L puts the focus in the toolbar's reference field; Enter opens what was typed there.
    QTest::keyClick(&w, Qt::Key_L, Qt::ControlModifier);
    auto *go = w.findChild<QLineEdit *>(QStringLiteral("goToEdit"));
    REQUIRE(go);
    CHECK(go->hasFocus());
    QTest::keyClicks(go, QStringLiteral("%1/library/nginx:1.27").arg(f.registry.hostPort()));
    QTest::keyClick(go, Qt::Key_Return);
    CHECK(go->text().isEmpty());
    REQUIRE(waitUntil([&] { return loaded.size() >= 1; }));
    REQUIRE(details->inspection());
    CHECK(details->inspection()->isIndex);
    CHECK(details->inspection()->platforms.size() == 3);
    CHECK(details->inspection()->attestations.size() == 1);
    auto *chooser = details->findChild<QComboBox *>(QStringLiteral("platformChooser"));
    CHECK(chooser->count() == 3);
    // The index's buildx attestation entry is listed with the referrers, apart from the platforms.
    REQUIRE(waitUntil([&] { return details->findChild<QTreeWidget *>(QStringLiteral("referrersView"))->topLevelItemCount() == 1; }));
    CHECK(details->findChild<QTreeWidget *>(QStringLiteral("referrersView"))->topLevelItem(0)->text(0)
          == QStringLiteral("Attestations (1)"));
    CHECK(details->currentPlatform() == QStringLiteral("linux/amd64"));
    REQUIRE(details->image());
    CHECK(details->image()->platform->architecture == QStringLiteral("amd64"));
    CHECK(w.tagsPane()->currentTag() == QStringLiteral("1.27"));
    // The total over all platforms (each blob once) is more than the one image shown, and is written out.
    REQUIRE(details->indexTotalSize() > details->image()->totalSize());
    CHECK(details->findChild<QTextBrowser *>(QStringLiteral("overviewView"))->toPlainText().contains(
        QStringLiteral("for all 3 platforms")));
    CHECK(w.connectionsPane()->currentConnection() == QStringLiteral("lab"));
    // The repository is selected in the tree too, once the listing that Ctrl+L started has reached it.
    CHECK(waitUntil([&] { return w.repositoriesPane()->currentRepository() == QStringLiteral("library/nginx"); }));

    loaded.clear();
    details->choosePlatform(QStringLiteral("linux/arm64/v8"));
    REQUIRE(waitUntil([&] { return loaded.size() >= 1; }));
    REQUIRE(details->image());
    CHECK(details->image()->platform->architecture == QStringLiteral("arm64"));
    CHECK(details->findChild<QTextBrowser *>(QStringLiteral("overviewView"))->toPlainText().contains(QStringLiteral("(linux/arm64/v8)")));

    // A reference on a registry without a connection adds one (plain http for a loopback name).
    const QString other = QStringLiteral("localhost:%1").arg(f.registry.port());
    loaded.clear();
    CHECK(w.openReference(other + QStringLiteral("/team-a/web:latest")).isEmpty());
    REQUIRE(f.s.session->connection(other));
    CHECK(f.s.session->connection(other)->baseUrl.scheme() == QStringLiteral("http"));
    REQUIRE(waitUntil([&] { return loaded.size() >= 1; }));
    CHECK(w.tagsPane()->currentTag() == QStringLiteral("latest"));

    // Not a reference: a sentence, nothing opened.
    CHECK(w.openReference(QStringLiteral("Not A Reference!")).contains(QStringLiteral("not an image reference")));
}

TEST_CASE("Browse: when the registry goes away, the panes say so in place and Retry recovers", "[app][e2e]")
{
    Fixture f;
    REQUIRE(f.start());
    MainWindow &w = *f.window;
    RepositoriesPane *repos = w.repositoriesPane();
    w.connectionsPane()->selectConnection(QStringLiteral("lab"));
    REQUIRE(waitUntil([&] { return !repos->isLoading() && repos->model()->totalCount() == 7; }));

    f.registry.stop();
    repos->reload();
    REQUIRE(waitUntil([&] { return !repos->isLoading(); }));
    INFO("count " << repos->model()->totalCount() << " banner " << repos->banner()->message().toStdString() << " hidden " << repos->banner()->isHidden() << " msg " << repos->findChild<QLabel *>(QStringLiteral("repositoriesMessageText"))->text().toStdString());
    CHECK(repos->banner()->isVisible());
    CHECK_FALSE(repos->banner()->message().isEmpty());
    CHECK(repos->banner()->retryButton()->isVisible());

    // The same root on a new port: point the connection there, then Retry.
    REQUIRE(f.registry.start({QStringLiteral("--no-fsync")}));
    Minato::Client::ConnectionProfile p = *f.s.session->connection(QStringLiteral("lab"));
    p.baseUrl = f.registry.baseUrl();
    f.s.session->updateConnection(QStringLiteral("lab"), p, std::nullopt, [](const QString &) {});
    repos->banner()->retryButton()->click();
    REQUIRE(waitUntil([&] { return !repos->isLoading() && repos->model()->totalCount() == 7; }));
    CHECK(repos->banner()->isHidden());
}

TEST_CASE("Connection dialog: presets, refusals in words, Test connection, saved without the secret on disk", "[app][e2e]")
{
    Fixture f;
    REQUIRE(f.start());
    ConnectionDialog dialog(f.s.session.get());
    dialog.show();
    auto *kind = dialog.findChild<QComboBox *>(QStringLiteral("kindCombo"));
    auto *name = dialog.findChild<QLineEdit *>(QStringLiteral("nameEdit"));
    auto *url = dialog.findChild<QLineEdit *>(QStringLiteral("urlEdit"));
    auto *user = dialog.findChild<QLineEdit *>(QStringLiteral("userEdit"));
    auto *secret = dialog.findChild<QLineEdit *>(QStringLiteral("secretEdit"));

    // A preset fills the address and name; a placeholder left in is refused with a sentence.
    kind->setCurrentIndex(kind->findText(QStringLiteral("GitHub Container Registry")) >= 0
                              ? kind->findText(QStringLiteral("GitHub Container Registry"))
                              : kind->findData(int(Minato::Client::ConnectionProfile::Kind::Ghcr)));
    CHECK(url->text() == QStringLiteral("https://ghcr.io"));
    kind->setCurrentIndex(kind->findData(int(Minato::Client::ConnectionProfile::Kind::Ecr)));
    CHECK(url->text().contains(QStringLiteral("ACCOUNT")));
    QString error;
    CHECK_FALSE(dialog.profile(&error));
    CHECK(error.contains(QStringLiteral("placeholders")));
    // Plain http to another machine needs consent.
    kind->setCurrentIndex(kind->findData(int(Minato::Client::ConnectionProfile::Kind::Generic)));
    url->setText(QStringLiteral("http://registry.example.com"));
    name->setText(QStringLiteral("remote"));
    CHECK_FALSE(dialog.profile(&error));
    CHECK(error.contains(QStringLiteral("unencrypted")));

    url->setText(f.registry.baseUrl().toString());
    name->setText(QStringLiteral("lab 2"));
    user->setText(QStringLiteral("alice"));
    secret->setText(QStringLiteral("s3cret-token"));
    QSignalSpy tested(&dialog, &ConnectionDialog::testFinished);
    dialog.testConnection();
    REQUIRE(waitUntil([&] { return tested.size() == 1; }));
    CHECK(tested.first().at(0).toBool());
    CHECK(dialog.testResult().contains(QStringLiteral("Reachable")));
    CHECK(dialog.testResult().contains(QStringLiteral("lists repositories")));

    dialog.accept();
    REQUIRE(waitUntil([&] { return dialog.result() == QDialog::Accepted; }));
    REQUIRE(f.s.session->connection(QStringLiteral("lab 2")));
    const auto stored = f.s.credentials.value(f.registry.hostPort());
    REQUIRE(stored);
    CHECK(stored->username == QStringLiteral("alice"));
    // The settings file never holds the secret.
    f.s.session->settings()->sync();
    QFile ini(f.s.dir.filePath(QStringLiteral("minato.ini")));
    REQUIRE(ini.open(QIODevice::ReadOnly));
    CHECK_FALSE(ini.readAll().contains("s3cret-token"));
}
