#include "comparedialog.h"

#include "appsession.h"
#include "errorbanner.h"
#include "format.h"

#include "client/clienterror.h"
#include "client/registryclient.h"
#include "oci/reference.h"

#include "ui_comparedialog.h"

#include <QEvent>

#include <algorithm>
#include <QHeaderView>
#include <QPushButton>
#include <QStyledItemDelegate>

namespace Minato::App {

using Client::ImageInspector;

namespace {

constexpr int StateRole = Qt::UserRole + 1;

// Cell tints: a difference has to stand out in the light and the dark Fusion palettes alike, with the
// palette's own text colour on top — pale tints on light, deep ones on dark (as ErrorBanner does).
enum class Tint { None, Changed, Removed, Added };

QColor tintColour(Tint tint, bool dark)
{
    switch (tint) {
    case Tint::Changed:
        return dark ? QColor(0x5c, 0x4a, 0x12) : QColor(0xff, 0xee, 0xb8);
    case Tint::Removed:
        return dark ? QColor(0x63, 0x2c, 0x28) : QColor(0xfd, 0xdc, 0xd7);
    case Tint::Added:
        return dark ? QColor(0x1e, 0x50, 0x2e) : QColor(0xd5, 0xf2, 0xd5);
    case Tint::None:
        break;
    }
    return {};
}

// The rows a few pixels taller than the font, as in the details tables.
class RowPaddingDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        return QStyledItemDelegate::sizeHint(option, index) + QSize(4, 6);
    }
};

bool isReference(const QString &text)
{
    return Oci::Reference::isValidTag(text) || Oci::Digest::isValidString(text);
}

QString referenceName(const QString &repository, const QString &reference)
{
    return repository + (reference.startsWith(QStringLiteral("sha256:")) ? QLatin1Char('@') : QLatin1Char(':')) +
           reference;
}

} // namespace

CompareDialog::CompareDialog(AppSession *session, QString connection, const QString &repository,
                             const QString &leftTag, const QString &rightTag, const QStringList &tags, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::CompareDialog>())
    , m_session(session)
    , m_connection(std::move(connection))
{
    m_ui->setupUi(this);
    setWindowTitle(tr("Compare tags — %1").arg(m_connection));
    m_ui->leftRepositoryEdit->setText(repository);
    m_ui->rightRepositoryEdit->setText(repository);
    m_ui->leftTagCombo->addItems(tags);
    m_ui->rightTagCombo->addItems(tags);
    m_ui->leftTagCombo->setCurrentText(leftTag);
    QString right = rightTag;
    if (right.isEmpty()) {
        // One tag chosen: the one listed before it (often the previous release), else the one after.
        const qsizetype at = tags.indexOf(leftTag);
        if (at > 0) {
            right = tags.at(at - 1);
        } else if (at >= 0 && at + 1 < tags.size()) {
            right = tags.at(at + 1);
        }
    }
    m_ui->rightTagCombo->setCurrentText(right);
    m_ui->platformCombo->setToolTip(tr("The platform compared when a tag is a multi-platform index"));
    m_ui->platformLabel->hide();
    m_ui->platformCombo->hide();
    m_ui->busyBar->hide();
    m_ui->compareButton->setDefault(true);

    QTreeWidget *tree = m_ui->compareTree;
    tree->setItemDelegate(new RowPaddingDelegate(tree));
    tree->header()->setStretchLastSection(false);
    tree->header()->setSectionResizeMode(0, QHeaderView::Interactive);
    tree->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    tree->header()->setSectionResizeMode(2, QHeaderView::Stretch);
    tree->header()->setSectionResizeMode(3, QHeaderView::ResizeToContents);
    tree->setColumnWidth(0, 280); // label keys such as org.opencontainers.image.version
    tree->setWordWrap(true);

    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->compareButton, &QPushButton::clicked, this, &CompareDialog::compare);
    connect(m_ui->leftTagCombo, &QComboBox::activated, this, &CompareDialog::compare);
    connect(m_ui->rightTagCombo, &QComboBox::activated, this, &CompareDialog::compare);
    connect(m_ui->platformCombo, &QComboBox::activated, this, &CompareDialog::platformChosen);
    connect(m_ui->differencesOnlyCheck, &QCheckBox::toggled, this, &CompareDialog::render);
    connect(m_ui->banner, &ErrorBanner::retryRequested, this, &CompareDialog::compare);

    if (!leftTag.isEmpty() && !right.isEmpty()) {
        compare();
    } else {
        m_ui->summaryLabel->setText(tr("Choose the two tags to compare."));
    }
}

CompareDialog::~CompareDialog()
{
    cancelAll();
}

bool CompareDialog::isLoading() const
{
    return !m_sides[0].inspector.isNull() || !m_sides[1].inspector.isNull();
}

QString CompareDialog::errorText() const
{
    return m_ui->banner->isHidden() ? QString() : m_ui->banner->message();
}

void CompareDialog::cancelAll()
{
    for (Side &side : m_sides) {
        delete side.inspector.data(); // deleting aborts what is in flight; no finished() follows
        side.inspector.clear();
    }
}

void CompareDialog::compare()
{
    cancelAll();
    m_comparison.reset();
    m_failed = false;
    m_ui->banner->hide();
    m_ui->compareTree->clear();
    const QString repositories[2] = {m_ui->leftRepositoryEdit->text().trimmed(),
                                     m_ui->rightRepositoryEdit->text().trimmed()};
    const QString references[2] = {m_ui->leftTagCombo->currentText().trimmed(),
                                   m_ui->rightTagCombo->currentText().trimmed()};
    for (int i = 0; i < 2; ++i) {
        const QString which = i == 0 ? tr("left") : tr("right");
        if (!Oci::Reference::isValidRepositoryPath(repositories[i])) {
            failWith(tr("The %1 repository is not valid: lowercase letters, digits and . _ - separated by /.").arg(which));
            return;
        }
        if (!isReference(references[i])) {
            failWith(tr("The %1 side needs a tag (letters, digits, _ . -) or a digest (sha256:…).").arg(which));
            return;
        }
        m_sides[i].repository = repositories[i];
        m_sides[i].reference = references[i];
        m_sides[i].inspection.reset();
        m_sides[i].image.reset();
    }
    if (!m_session || !m_session->client(m_connection)) {
        failWith(tr("The connection “%1” no longer exists.").arg(m_connection));
        return;
    }
    m_ui->compareTree->setHeaderLabels({tr("Item"), referenceName(repositories[0], references[0]),
                                        referenceName(repositories[1], references[1]), tr("Difference")});
    m_ui->summaryLabel->setText(tr("Inspecting %1 and %2…")
                                    .arg(referenceName(repositories[0], references[0]),
                                         referenceName(repositories[1], references[1])));
    m_ui->platformLabel->hide(); // until a side turns out to be an index (its choice is kept meanwhile)
    m_ui->platformCombo->hide();
    setLoading(true);
    inspect(0, {});
    if (!m_failed) {
        inspect(1, {});
    }
}

void CompareDialog::inspect(int index, const std::optional<Oci::Platform> &platform)
{
    Side &side = m_sides[index];
    Client::RegistryClient *client = m_session ? m_session->client(m_connection) : nullptr;
    if (!client) {
        failWith(tr("The connection “%1” no longer exists.").arg(m_connection));
        return;
    }
    delete side.inspector.data();
    // A platform of an index: its entry's digest, so the inspector ends on that image.
    QString reference = side.reference;
    if (platform && side.inspection && side.inspection->isIndex) {
        const QList<Client::IndexEntry> &entries = side.inspection->platforms;
        auto it = std::find_if(entries.cbegin(), entries.cend(), [&platform](const Client::IndexEntry &entry) {
            return entry.platform && entry.platform->toString() == platform->toString();
        });
        if (it == entries.cend()) {
            it = std::find_if(entries.cbegin(), entries.cend(), [&platform](const Client::IndexEntry &entry) {
                return entry.platform && entry.platform->matches(*platform);
            });
        }
        reference = (it != entries.cend() ? *it : entries.constFirst()).digest.toString();
    }
    side.inspector = new ImageInspector(client, side.repository, reference, ImageInspector::Options(), this);
    connect(side.inspector, &ImageInspector::finished, this,
            [this, index](const Client::InspectionResult &result) { onInspected(index, result); });
    side.inspector->start();
}

void CompareDialog::onInspected(int index, const Client::InspectionResult &result)
{
    Side &side = m_sides[index];
    if (auto *inspector = side.inspector.data()) {
        inspector->deleteLater();
    }
    side.inspector.clear();
    if (m_failed) {
        return;
    }
    if (!result) {
        if (result.error().kind() != Client::ClientError::Kind::Cancelled) {
            cancelAll();
            failWith(tr("Could not inspect %1: %2")
                         .arg(referenceName(side.repository, side.reference), result.error().message()));
        }
        return;
    }
    if (side.inspection && side.inspection->isIndex) {
        side.image = result->image; // the platform's image, asked for by its digest
    } else {
        side.inspection = result.value();
        side.image = result->image;
    }
    if (isLoading()) {
        return;
    }
    if (!m_sides[0].image || !m_sides[1].image) {
        choosePlatforms();
        return;
    }
    setLoading(false);
    render();
    emit compared(true);
}

void CompareDialog::choosePlatforms()
{
    // The platforms each side offers: an index's entries, or a single image's own platform.
    QStringList offered[2];
    bool several = false;
    for (int i = 0; i < 2; ++i) {
        const Side &side = m_sides[i];
        if (side.inspection && side.inspection->isIndex) {
            for (const Client::IndexEntry &entry : side.inspection->platforms) {
                if (entry.platform) {
                    offered[i].append(entry.platform->toString());
                }
            }
            several = several || side.inspection->platforms.size() > 1;
        } else if (side.image && side.image->platform) {
            offered[i].append(side.image->platform->toString());
        }
    }
    QStringList common;
    for (const QString &p : std::as_const(offered[0])) {
        if (offered[1].contains(p)) {
            common.append(p);
        }
    }
    if (common.isEmpty()) {
        common = !offered[0].isEmpty() ? offered[0] : offered[1];
    }
    const QString previous = m_ui->platformCombo->currentText();
    QString chosen = common.contains(previous) ? previous
                     : common.contains(QStringLiteral("linux/amd64")) ? QStringLiteral("linux/amd64")
                                                                       : common.value(0);
    {
        const QSignalBlocker block(m_ui->platformCombo);
        m_ui->platformCombo->clear();
        m_ui->platformCombo->addItems(common);
        m_ui->platformCombo->setCurrentText(chosen);
    }
    m_ui->platformLabel->setVisible(several);
    m_ui->platformCombo->setVisible(several);

    const std::optional<Oci::Platform> platform = Oci::Platform::parse(chosen).toOptional();
    bool asked = false;
    for (int i = 0; i < 2; ++i) {
        Side &side = m_sides[i];
        if (side.inspection && side.inspection->isIndex && !side.inspection->platforms.isEmpty() &&
            (side.inspection->platforms.size() > 1 || !side.image)) {
            side.image.reset();
            asked = true;
            inspect(i, platform ? platform : side.inspection->platforms.constFirst().platform);
        }
    }
    if (!asked) {
        // Nothing to choose from (an index with no runnable entry): say so in place.
        failWith(tr("%1 has no image to compare (an index without runnable platforms).")
                     .arg(referenceName(m_sides[m_sides[0].image ? 1 : 0].repository,
                                        m_sides[m_sides[0].image ? 1 : 0].reference)));
    }
}

void CompareDialog::platformChosen()
{
    if (!m_sides[0].inspection || !m_sides[1].inspection || isLoading()) {
        return;
    }
    m_comparison.reset();
    m_ui->compareTree->clear();
    m_ui->banner->hide();
    m_ui->summaryLabel->setText(tr("Inspecting %1…").arg(m_ui->platformCombo->currentText()));
    setLoading(true);
    choosePlatforms();
}

void CompareDialog::failWith(const QString &message)
{
    m_failed = true;
    m_comparison.reset();
    setLoading(false);
    m_ui->summaryLabel->clear();
    m_ui->banner->showError(message);
    emit compared(false);
}

void CompareDialog::setLoading(bool loading)
{
    m_ui->busyBar->setVisible(loading);
}

void CompareDialog::changeEvent(QEvent *event)
{
    QDialog::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_comparison) {
        render(); // the tints follow light or dark
    }
}

void CompareDialog::render()
{
    QTreeWidget *tree = m_ui->compareTree;
    tree->clear();
    if (!m_sides[0].image || !m_sides[1].image) {
        return;
    }
    if (!m_comparison) {
        const auto indexOf = [](const Side &side) {
            return side.inspection && side.inspection->isIndex ? side.inspection->digest : Oci::Digest();
        };
        m_comparison = ImageCompare::compare(*m_sides[0].image, *m_sides[1].image, indexOf(m_sides[0]),
                                             indexOf(m_sides[1]));
    }
    const ImageComparison &c = *m_comparison;
    m_ui->summaryLabel->setText(ImageCompare::summary(c));
    const bool dark = tree->palette().color(QPalette::Base).lightness() < 128;
    const bool onlyDifferences = m_ui->differencesOnlyCheck->isChecked();
    const QBrush placeholder = tree->palette().brush(QPalette::PlaceholderText);
    const QBrush text = tree->palette().brush(QPalette::Text);
    const auto paint = [dark, &text](QTreeWidgetItem *item, int column, Tint tint) {
        if (tint != Tint::None) {
            item->setBackground(column, tintColour(tint, dark));
            item->setForeground(column, text);
        }
    };

    using Section = CompareRow::Section;
    for (Section section : {Section::Overview, Section::Config, Section::Env, Section::Labels, Section::Layers}) {
        const QList<CompareRow> rows = c.section(section);
        auto *head = new QTreeWidgetItem(tree);
        head->setText(0, ImageCompare::sectionName(section));
        QFont bold = head->font(0);
        bold.setBold(true);
        head->setFont(0, bold);
        int differences = 0;
        for (const CompareRow &row : rows) {
            differences += row.state != CompareRow::State::Same;
        }
        head->setText(3, differences == 0 ? tr("same")
                                          : Format::plural(differences, tr("1 difference"), tr("%1 differences")));
        head->setFont(3, bold);
        if (rows.isEmpty()) {
            auto *none = new QTreeWidgetItem(head);
            none->setText(0, section == Section::Env ? tr("No variables on either side")
                                                     : section == Section::Labels ? tr("No labels on either side")
                                                                                  : tr("Nothing on either side"));
            none->setForeground(0, placeholder);
            none->setFirstColumnSpanned(true);
        }
        for (const CompareRow &row : rows) {
            auto *item = new QTreeWidgetItem(head);
            item->setData(0, StateRole, int(row.state));
            item->setText(0, row.key);
            item->setToolTip(0, row.key);
            const bool absentLeft = row.state == CompareRow::State::OnlyRight;
            const bool absentRight = row.state == CompareRow::State::OnlyLeft;
            item->setText(1, absentLeft ? tr("(absent)") : row.left);
            item->setText(2, absentRight ? tr("(absent)") : row.right);
            item->setToolTip(1, row.leftTip.isEmpty() ? row.left : row.leftTip);
            item->setToolTip(2, row.rightTip.isEmpty() ? row.right : row.rightTip);
            item->setText(3, ImageCompare::stateName(row));
            if (absentLeft) {
                item->setForeground(1, placeholder);
            }
            if (absentRight) {
                item->setForeground(2, placeholder);
            }
            if (section == Section::Layers) {
                // A layer the other image lacks is what a pull of one after the other transfers.
                const QString shared = tr("Also in the other image");
                const QString alone = tr("Not in the other image: a pull after the other transfers it");
                if (!row.left.isEmpty()) {
                    item->setToolTip(1, row.leftTip + QLatin1Char('\n') + (row.leftShared ? shared : alone));
                }
                if (!row.right.isEmpty()) {
                    item->setToolTip(2, row.rightTip + QLatin1Char('\n') + (row.rightShared ? shared : alone));
                }
                if (!row.left.isEmpty() && !row.leftShared) {
                    paint(item, 1, Tint::Removed);
                }
                if (!row.right.isEmpty() && !row.rightShared) {
                    paint(item, 2, Tint::Added);
                }
                if (row.state != CompareRow::State::Same) {
                    paint(item, 3, row.leftShared && row.rightShared ? Tint::None : Tint::Changed);
                }
            } else {
                switch (row.state) {
                case CompareRow::State::Same:
                    break;
                case CompareRow::State::Changed:
                    paint(item, 1, Tint::Changed);
                    paint(item, 2, Tint::Changed);
                    paint(item, 3, Tint::Changed);
                    break;
                case CompareRow::State::OnlyLeft:
                    paint(item, 1, Tint::Removed);
                    paint(item, 3, Tint::Removed);
                    break;
                case CompareRow::State::OnlyRight:
                    paint(item, 2, Tint::Added);
                    paint(item, 3, Tint::Added);
                    break;
                }
            }
            item->setHidden(onlyDifferences && row.state == CompareRow::State::Same);
        }
        head->setExpanded(true);
    }
}

} // namespace Minato::App
