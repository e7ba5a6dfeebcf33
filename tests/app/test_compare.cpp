// Comparing two tags: ImageCompare::compare on images built in code (env changed/added/removed, labels, layers
// shared and different, the same image twice), then the Compare dialog against minato-registry filled with the
// sample images — two releases of team-a/api (no layer in common, a label changed), library/alpine 3.20 and
// latest (the same manifest: "Identical"), a tag that does not exist (a sentence in the dialog), the platform
// chooser of an index (library/nginx), and Ctrl+D in the real window with two tags selected.
#include "apptestsupport.h"

#include "app/comparedialog.h"
#include "app/imagecompare.h"
#include "app/mainwindow.h"
#include "app/tagspane.h"
#include "app/tagtablemodel.h"

#include "ui_comparedialog.h"

#include "embeddedregistryprocess.h"
#include "sampleimages.h"

#include <QCryptographicHash>
#include <QItemSelectionModel>
#include <QTableView>
#include <QTreeWidget>

#include <catch2/catch.hpp>

using namespace Minato::App;
using namespace Minato::Test;
using Minato::Client::InspectedImage;
using Minato::Client::InspectedLayer;
using Minato::Oci::Digest;

namespace {

Digest digestOf(const QString &text)
{
    return Digest::fromParts(Digest::Algorithm::Sha256,
                             QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex()));
}

InspectedLayer layer(const QString &name, qint64 size)
{
    InspectedLayer l;
    l.digest = digestOf(name);
    l.mediaType = QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip");
    l.size = size;
    return l;
}

InspectedImage image(const QString &name, const QStringList &env, const QMap<QString, QString> &labels,
                     const QList<InspectedLayer> &layers)
{
    InspectedImage img;
    img.manifestDigest = digestOf(name);
    img.manifestMediaType = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
    img.layers = layers;
    img.configSize = 1000;
    Minato::Oci::ImageConfig config;
    config.architecture = QStringLiteral("amd64");
    config.os = QStringLiteral("linux");
    config.container.env = env;
    config.container.labels = labels;
    config.container.entrypoint = {QStringLiteral("/docker-entrypoint.sh")};
    config.container.cmd = {QStringLiteral("app"), QStringLiteral("--serve")};
    config.container.workingDir = QStringLiteral("/srv");
    img.config = config;
    return img;
}

const CompareRow *findRow(const ImageComparison &c, CompareRow::Section section, const QString &key)
{
    for (const CompareRow &row : c.rows) {
        if (row.section == section && row.key == key) {
            return &row;
        }
    }
    return nullptr;
}

QTreeWidgetItem *sectionItem(QTreeWidget *tree, const QString &name)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(0) == name) {
            return tree->topLevelItem(i);
        }
    }
    return nullptr;
}

struct SampleRegistry
{
    EmbeddedRegistryProcess registry;
    TestSession s;

    SampleRegistry()
    {
        REQUIRE(registry.start());
        SampleImages samples(registry.baseUrl());
        QString error;
        INFO(error.toStdString());
        REQUIRE(samples.pushDemoSet(&error));
        REQUIRE(s.addConnection(QStringLiteral("local"), registry.baseUrl()));
    }
};

} // namespace

TEST_CASE("compare: env by name — the same, changed, only left, only right", "[app][compare]")
{
    const QList<InspectedLayer> layers = {layer(QStringLiteral("base"), 1000)};
    const InspectedImage left = image(QStringLiteral("a"),
                                      {QStringLiteral("PATH=/usr/bin"), QStringLiteral("APP_ENV=staging"),
                                       QStringLiteral("OLD=1")},
                                      {}, layers);
    const InspectedImage right = image(QStringLiteral("b"),
                                       {QStringLiteral("PATH=/usr/bin"), QStringLiteral("APP_ENV=production"),
                                        QStringLiteral("NEW=yes")},
                                       {}, layers);
    const ImageComparison c = ImageCompare::compare(left, right);
    using S = CompareRow::State;
    const QList<CompareRow> env = c.section(CompareRow::Section::Env);
    REQUIRE(env.size() == 4);
    // The left image's order, then the names only the right one has.
    CHECK(env.at(0).key == QStringLiteral("PATH"));
    CHECK(env.at(0).state == S::Same);
    CHECK(env.at(1).key == QStringLiteral("APP_ENV"));
    CHECK(env.at(1).state == S::Changed);
    CHECK(env.at(1).left == QStringLiteral("staging"));
    CHECK(env.at(1).right == QStringLiteral("production"));
    CHECK(env.at(2).key == QStringLiteral("OLD"));
    CHECK(env.at(2).state == S::OnlyLeft);
    CHECK(env.at(3).key == QStringLiteral("NEW"));
    CHECK(env.at(3).state == S::OnlyRight);
    CHECK(env.at(3).right == QStringLiteral("yes"));
    CHECK_FALSE(c.identical());
    // Config the same on both sides.
    for (const CompareRow &row : c.section(CompareRow::Section::Config)) {
        CHECK(row.state == S::Same);
    }
    CHECK(findRow(c, CompareRow::Section::Overview, QStringLiteral("Digest"))->state == S::Changed);
}

TEST_CASE("compare: labels by key, sorted", "[app][compare]")
{
    const QList<InspectedLayer> layers = {layer(QStringLiteral("base"), 1000)};
    const InspectedImage left = image(QStringLiteral("a"), {},
                                      {{QStringLiteral("org.opencontainers.image.version"), QStringLiteral("1.2.2")},
                                       {QStringLiteral("maintainer"), QStringLiteral("team-a")},
                                       {QStringLiteral("z.removed"), QStringLiteral("x")}},
                                      layers);
    const InspectedImage right = image(QStringLiteral("b"), {},
                                       {{QStringLiteral("org.opencontainers.image.version"), QStringLiteral("1.2.3")},
                                        {QStringLiteral("maintainer"), QStringLiteral("team-a")},
                                        {QStringLiteral("a.added"), QStringLiteral("y")}},
                                       layers);
    const ImageComparison c = ImageCompare::compare(left, right);
    const QList<CompareRow> labels = c.section(CompareRow::Section::Labels);
    REQUIRE(labels.size() == 4);
    CHECK(labels.at(0).key == QStringLiteral("a.added"));
    CHECK(labels.at(0).state == CompareRow::State::OnlyRight);
    CHECK(labels.at(1).key == QStringLiteral("maintainer"));
    CHECK(labels.at(1).state == CompareRow::State::Same);
    CHECK(labels.at(2).key == QStringLiteral("org.opencontainers.image.version"));
    CHECK(labels.at(2).state == CompareRow::State::Changed);
    CHECK(labels.at(3).key == QStringLiteral("z.removed"));
    CHECK(labels.at(3).state == CompareRow::State::OnlyLeft);
    CHECK(c.section(CompareRow::Section::Env).isEmpty());
}

TEST_CASE("compare: layers in order, shared ones marked, the bytes that differ summed", "[app][compare]")
{
    // Three base layers shared; the left's app layer differs from the right's, which also has one more.
    const InspectedLayer base1 = layer(QStringLiteral("base1"), 30'000'000);
    const InspectedLayer base2 = layer(QStringLiteral("base2"), 5'000'000);
    const InspectedLayer base3 = layer(QStringLiteral("base3"), 1'000'000);
    const InspectedImage left = image(QStringLiteral("a"), {}, {},
                                      {base1, base2, base3, layer(QStringLiteral("app-1"), 4'000'000)});
    const InspectedImage right = image(QStringLiteral("b"), {}, {},
                                       {base1, base2, base3, layer(QStringLiteral("app-2"), 6'300'000),
                                        layer(QStringLiteral("static"), 2'000'000)});
    const ImageComparison c = ImageCompare::compare(left, right);
    const QList<CompareRow> layers = c.section(CompareRow::Section::Layers);
    REQUIRE(layers.size() == 5);
    for (int i = 0; i < 3; ++i) {
        CHECK(layers.at(i).state == CompareRow::State::Same);
        CHECK(layers.at(i).leftShared);
        CHECK(layers.at(i).rightShared);
        CHECK(ImageCompare::stateName(layers.at(i)) == QStringLiteral("shared"));
    }
    CHECK(layers.at(3).state == CompareRow::State::Changed);
    CHECK_FALSE(layers.at(3).leftShared);
    CHECK(ImageCompare::stateName(layers.at(3)) == QStringLiteral("different"));
    CHECK(layers.at(4).state == CompareRow::State::OnlyRight);
    CHECK(layers.at(4).left.isEmpty());
    CHECK(layers.at(4).rightTip == digestOf(QStringLiteral("static")).toString());
    CHECK(c.sharedLayers == 3);
    CHECK(c.leftLayers == 4);
    CHECK(c.rightLayers == 5);
    CHECK(c.differingBytes == 4'000'000 + 6'300'000 + 2'000'000);
    CHECK(ImageCompare::summary(c).startsWith(QStringLiteral("3 of 5 layers shared, 12.3 MB differ")));

    // A layer that moved is still shared: nothing of it differs.
    const InspectedImage moved = image(QStringLiteral("c"), {}, {}, {base2, base1, base3, layer(QStringLiteral("app-1"), 4'000'000)});
    const ImageComparison m = ImageCompare::compare(left, moved);
    CHECK(m.sharedLayers == 4);
    CHECK(m.differingBytes == 0);
    CHECK(ImageCompare::stateName(m.section(CompareRow::Section::Layers).at(0)) == QStringLiteral("shared, reordered"));
}

TEST_CASE("compare: the same image twice is identical", "[app][compare]")
{
    const InspectedImage one = image(QStringLiteral("a"), {QStringLiteral("TZ=UTC")},
                                     {{QStringLiteral("k"), QStringLiteral("v")}},
                                     {layer(QStringLiteral("base"), 1000), layer(QStringLiteral("app"), 2000)});
    const ImageComparison c = ImageCompare::compare(one, one);
    CHECK(c.identical());
    CHECK(c.sameManifest);
    CHECK(c.differences == 0);
    CHECK(c.sharedLayers == 2);
    CHECK(c.differingBytes == 0);
    for (const CompareRow &row : c.rows) {
        CHECK(row.state == CompareRow::State::Same);
    }
    CHECK(ImageCompare::summary(c).startsWith(QStringLiteral("Identical")));
    CHECK_FALSE(findRow(c, CompareRow::Section::Overview, QStringLiteral("Index digest"))); // no index: no row

    // One platform of two different indexes: the same image, the index row tells them apart.
    const ImageComparison indexes = ImageCompare::compare(one, one, digestOf(QStringLiteral("index-1")),
                                                          digestOf(QStringLiteral("index-2")));
    const CompareRow *index = findRow(indexes, CompareRow::Section::Overview, QStringLiteral("Index digest"));
    REQUIRE(index);
    CHECK(index->state == CompareRow::State::Changed);
    CHECK(index->leftTip == digestOf(QStringLiteral("index-1")).toString());
    CHECK(indexes.sameManifest);
    CHECK(indexes.identical());
}

TEST_CASE("Compare dialog: two releases of team-a/api, alpine 3.20 and latest, a missing tag, an index",
          "[app][compare][dialogs]")
{
    SampleRegistry r;
    const QStringList tags = {QStringLiteral("v1.2.2"), QStringLiteral("v1.2.3"), QStringLiteral("latest")};

    CompareDialog dialog(r.s.session.get(), QStringLiteral("local"), QStringLiteral("team-a/api"),
                         QStringLiteral("v1.2.3"), {}, tags);
    dialog.resize(1000, 700);
    dialog.show();
    Ui::CompareDialog *ui = dialog.ui();
    // One tag given: the other side proposes the tag listed before it.
    CHECK(ui->rightTagCombo->currentText() == QStringLiteral("v1.2.2"));
    CHECK(ui->rightRepositoryEdit->text() == QStringLiteral("team-a/api"));
    CHECK(dialog.isLoading());
    CHECK(ui->busyBar->isVisible());
    REQUIRE(waitUntil([&] { return !dialog.isLoading(); }));
    INFO(dialog.errorText().toStdString());
    REQUIRE(dialog.comparison());
    const ImageComparison &c = *dialog.comparison();
    CHECK_FALSE(ui->busyBar->isVisible());
    CHECK_FALSE(c.identical());
    CHECK(c.leftLayers == 4);
    CHECK(c.sharedLayers == 0); // every release of the samples has its own layers
    CHECK(c.differingBytes > 0);
    const CompareRow *version = findRow(c, CompareRow::Section::Labels, QStringLiteral("org.opencontainers.image.version"));
    REQUIRE(version);
    CHECK(version->state == CompareRow::State::Changed);
    CHECK(findRow(c, CompareRow::Section::Env, QStringLiteral("APP_ENV"))->state == CompareRow::State::Same);
    CHECK(findRow(c, CompareRow::Section::Config, QStringLiteral("Entrypoint"))->state == CompareRow::State::Same);
    CHECK(ui->summaryLabel->text().startsWith(QStringLiteral("0 of 4 layers shared")));
    CHECK(ui->platformCombo->isHidden()); // single images: nothing to choose
    // The tree: five sections, a changed label tinted, "Only differences" hides the rest.
    QTreeWidget *tree = ui->compareTree;
    REQUIRE(tree->topLevelItemCount() == 5);
    CHECK(tree->headerItem()->text(1) == QStringLiteral("team-a/api:v1.2.3"));
    QTreeWidgetItem *labels = sectionItem(tree, QStringLiteral("Labels"));
    REQUIRE(labels);
    QTreeWidgetItem *versionItem = nullptr;
    for (int i = 0; i < labels->childCount(); ++i) {
        if (labels->child(i)->text(0) == QStringLiteral("org.opencontainers.image.version")) {
            versionItem = labels->child(i);
        }
    }
    REQUIRE(versionItem);
    CHECK(versionItem->text(3) == QStringLiteral("changed"));
    CHECK(versionItem->background(1).style() != Qt::NoBrush);
    QTreeWidgetItem *env = sectionItem(tree, QStringLiteral("Env"));
    REQUIRE(env);
    CHECK(env->text(3) == QStringLiteral("same"));
    CHECK(env->child(0)->background(1).style() == Qt::NoBrush);
    ui->differencesOnlyCheck->setChecked(true);
    env = sectionItem(tree, QStringLiteral("Env"));
    REQUIRE(env);
    REQUIRE(env->childCount() > 0);
    CHECK(env->child(0)->isHidden());
    ui->differencesOnlyCheck->setChecked(false);

    // library/alpine 3.20 and latest: the same manifest.
    ui->leftRepositoryEdit->setText(QStringLiteral("library/alpine"));
    ui->rightRepositoryEdit->setText(QStringLiteral("library/alpine"));
    ui->leftTagCombo->setCurrentText(QStringLiteral("3.20"));
    ui->rightTagCombo->setCurrentText(QStringLiteral("latest"));
    ui->compareButton->click();
    REQUIRE(waitUntil([&] { return !dialog.isLoading(); }));
    INFO(dialog.errorText().toStdString());
    REQUIRE(dialog.comparison());
    CHECK(dialog.comparison()->identical());
    CHECK(ui->summaryLabel->text().startsWith(QStringLiteral("Identical")));

    // A tag that is not there: a sentence in the dialog, no table.
    ui->rightTagCombo->setCurrentText(QStringLiteral("no-such-tag"));
    ui->compareButton->click();
    REQUIRE(waitUntil([&] { return !dialog.isLoading(); }));
    CHECK_FALSE(dialog.comparison());
    CHECK(ui->banner->isVisible());
    CHECK(dialog.errorText().contains(QStringLiteral("library/alpine:no-such-tag")));
    CHECK(tree->topLevelItemCount() == 0);
    // Not a tag at all: said before any request.
    ui->rightTagCombo->setCurrentText(QStringLiteral("bad tag"));
    ui->compareButton->click();
    CHECK_FALSE(dialog.isLoading());
    CHECK(ui->banner->isVisible());

    // An index against an index: the platform chooser, linux/amd64 first; another platform compares that one.
    ui->leftRepositoryEdit->setText(QStringLiteral("library/nginx"));
    ui->rightRepositoryEdit->setText(QStringLiteral("library/nginx"));
    ui->leftTagCombo->setCurrentText(QStringLiteral("1.27"));
    ui->rightTagCombo->setCurrentText(QStringLiteral("1.25"));
    ui->compareButton->click();
    REQUIRE(waitUntil([&] { return !dialog.isLoading() && (dialog.comparison() || !dialog.errorText().isEmpty()); }));
    INFO(dialog.errorText().toStdString());
    REQUIRE(dialog.comparison());
    CHECK(ui->platformCombo->isVisible());
    CHECK(ui->platformCombo->currentText() == QStringLiteral("linux/amd64"));
    CHECK(findRow(*dialog.comparison(), CompareRow::Section::Overview, QStringLiteral("Platform"))->left ==
          QStringLiteral("linux/amd64"));
    CHECK(findRow(*dialog.comparison(), CompareRow::Section::Overview, QStringLiteral("Index digest"))->state ==
          CompareRow::State::Changed);
    const int arm = ui->platformCombo->findText(QStringLiteral("linux/arm64/v8"));
    REQUIRE(arm >= 0);
    ui->platformCombo->setCurrentIndex(arm);
    emit ui->platformCombo->activated(arm);
    REQUIRE(waitUntil([&] { return !dialog.isLoading() && dialog.comparison(); }));
    const CompareRow *platform = findRow(*dialog.comparison(), CompareRow::Section::Overview, QStringLiteral("Platform"));
    CHECK(platform->left == QStringLiteral("linux/arm64/v8"));
    CHECK(platform->right == QStringLiteral("linux/arm64/v8"));
}

TEST_CASE("Ctrl+D in the window compares the two selected tags", "[app][compare][window]")
{
    SampleRegistry r;
    MainWindow window(r.s.session.get());
    window.resize(1280, 800);
    window.show();
    TagsPane *tags = window.tagsPane();
    tags->showRepository(QStringLiteral("local"), QStringLiteral("team-a/api"));
    tags->selectTag(QStringLiteral("v1.2.2"));
    REQUIRE(waitUntil([&] { return tags->currentTag() == QStringLiteral("v1.2.2"); }));
    const int other = tags->model()->rowOf(QStringLiteral("v1.2.3"));
    REQUIRE(other >= 0);
    QTableView *view = tags->view();
    view->selectionModel()->select(tags->model()->index(other, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    REQUIRE(tags->selectedTags().size() == 2);
    window.activateWindow();
    REQUIRE(QTest::qWaitForWindowActive(&window));
    view->setFocus();
    QTest::keyClick(view, Qt::Key_D, Qt::ControlModifier);
    CompareDialog *dialog = window.findChild<CompareDialog *>();
    REQUIRE(dialog);
    CHECK(dialog->isVisible());
    CHECK_FALSE(dialog->isModal());
    QStringList sides = {dialog->ui()->leftTagCombo->currentText(), dialog->ui()->rightTagCombo->currentText()};
    sides.sort();
    CHECK(sides == QStringList{QStringLiteral("v1.2.2"), QStringLiteral("v1.2.3")});
    REQUIRE(waitUntil([&] { return !dialog->isLoading(); }));
    INFO(dialog->errorText().toStdString());
    REQUIRE(dialog->comparison());
    CHECK(dialog->comparison()->sharedLayers == 0);
    dialog->close(); // deletes itself
    CHECK(waitUntil([&] { return window.findChild<CompareDialog *>() == nullptr; }));
}
