#include "detailspane.h"

#include "appsession.h"
#include "errorbanner.h"
#include "format.h"
#include "jsonhighlighter.h"
#include "pullcommands.h"

#include "client/clienterror.h"
#include "client/manifestquery.h"
#include "client/registryclient.h"
#include "oci/mediatype.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Minato::App {

using Client::ClientError;
using Client::ImageInspection;
using Client::ImageInspector;
using Client::InspectedImage;

namespace {

constexpr int ShareRole = Qt::UserRole + 1; // 0…1, the layer's share of the image

// Draws a horizontal bar of the row's share (UI.md "Look rather than read").
class ShareBarDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(painter, option, QModelIndex()); // background and selection only
        const double share = index.data(ShareRole).toDouble();
        QRectF bar = QRectF(option.rect).adjusted(4, 5, -4, -5);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        QColor track = option.palette.color(QPalette::Mid);
        track.setAlpha(60);
        painter->setBrush(track);
        painter->drawRoundedRect(bar, 3, 3);
        bar.setWidth(qMax(2.0, bar.width() * share));
        painter->setBrush(option.palette.color(QPalette::Highlight));
        painter->drawRoundedRect(bar, 3, 3);
        painter->restore();
    }
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        s.setWidth(qMax(s.width(), 160));
        return s;
    }
};

QString mediaTypeName(const QString &mediaType)
{
    namespace MediaType = Oci::MediaType;
    if (mediaType == MediaType::OciIndex) {
        return DetailsPane::tr("OCI image index");
    }
    if (mediaType == MediaType::DockerManifestList) {
        return DetailsPane::tr("Docker manifest list");
    }
    if (mediaType == MediaType::OciManifest) {
        return DetailsPane::tr("OCI image manifest");
    }
    if (mediaType == MediaType::DockerManifest) {
        return DetailsPane::tr("Docker image manifest (schema 2)");
    }
    if (mediaType.contains(QStringLiteral("signed+json")) || mediaType.contains(QStringLiteral("v1+json"))) {
        return DetailsPane::tr("Docker schema 1 manifest (deprecated)");
    }
    return mediaType;
}

QString shellWords(const QStringList &words)
{
    QStringList quoted;
    for (const QString &w : words) {
        quoted << (w.contains(QLatin1Char(' ')) || w.isEmpty() ? QLatin1Char('"') + w + QLatin1Char('"') : w);
    }
    return quoted.join(QLatin1Char(' '));
}

QString cleanInstruction(QString createdBy)
{
    // Docker's classic builder wrote "/bin/sh -c #(nop) CMD …" for metadata steps and "/bin/sh -c …" for RUN.
    static const QString nop = QStringLiteral("/bin/sh -c #(nop) ");
    if (createdBy.startsWith(nop)) {
        return createdBy.mid(nop.size()).trimmed();
    }
    static const QString shell = QStringLiteral("/bin/sh -c ");
    if (createdBy.startsWith(shell)) {
        return QStringLiteral("RUN ") + createdBy.mid(shell.size()).trimmed();
    }
    return createdBy.trimmed();
}

QTreeWidgetItem *addRow(QTreeWidget *tree, const QString &key, const QString &value, QTreeWidgetItem *parent = nullptr)
{
    auto *item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(tree);
    item->setText(0, key);
    item->setText(1, value);
    item->setToolTip(1, value);
    return item;
}

// The same row rhythm as the tags table above: a few pixels more than the font. (A style sheet did this before,
// but a widget with a style sheet keeps the palette it was polished with: switching to the dark theme left these
// tables white.)
class RowPaddingDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        return QStyledItemDelegate::sizeHint(option, index) + QSize(4, 6);
    }
};

QTreeWidget *makeTree(QWidget *parent, const QString &objectName, const QStringList &headers)
{
    auto *tree = new QTreeWidget(parent);
    tree->setObjectName(objectName);
    tree->setHeaderLabels(headers);
    tree->setRootIsDecorated(false);
    tree->setUniformRowHeights(true);
    tree->setAlternatingRowColors(true);
    tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    tree->header()->setStretchLastSection(true);
    tree->setItemDelegate(new RowPaddingDelegate(tree));
    return tree;
}

QString platformName(const Client::IndexEntry &entry)
{
    return entry.platform ? entry.platform->toString() : DetailsPane::tr("(no platform)");
}

} // namespace

DetailsPane::DetailsPane(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 8);
    auto *header = new QHBoxLayout;
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("detailsTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_platforms = new QComboBox(this);
    m_platforms->setObjectName(QStringLiteral("platformChooser"));
    m_platforms->setToolTip(tr("The platform the tabs show"));
    m_platforms->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_copy = new QToolButton(this);
    m_copy->setObjectName(QStringLiteral("copyMenuButton"));
    m_copy->setText(tr("Copy"));
    m_copy->setPopupMode(QToolButton::InstantPopup);
    m_copy->setMenu(new QMenu(m_copy));
    header->addWidget(m_title, 1);
    header->addWidget(m_platforms);
    header->addWidget(m_copy);
    layout->addLayout(header);
    m_banner = new ErrorBanner(this);
    m_banner->setObjectName(QStringLiteral("detailsBanner"));
    layout->addWidget(m_banner);

    m_stack = new QStackedWidget(this);
    m_message = new QLabel(m_stack);
    m_message->setObjectName(QStringLiteral("detailsMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_tabs = new QTabWidget(m_stack);
    m_tabs->setObjectName(QStringLiteral("detailsTabs"));
    m_tabs->setDocumentMode(true);
    m_overview = new QTextBrowser(m_tabs);
    m_overview->setObjectName(QStringLiteral("overviewView"));
    m_overview->setOpenLinks(false);
    m_overview->setFrameShape(QFrame::NoFrame);
    m_layers = makeTree(m_tabs, QStringLiteral("layersView"),
                        {tr("#"), tr("Size"), tr("Share"), tr("Digest"), tr("Media type")});
    m_layers->setItemDelegateForColumn(2, new ShareBarDelegate(m_layers));
    m_layers->setColumnWidth(0, 40);
    m_layers->setColumnWidth(1, 80);
    m_layers->setColumnWidth(2, 180);
    m_layers->setColumnWidth(3, 150);
    m_config = makeTree(m_tabs, QStringLiteral("configView"), {tr("Setting"), tr("Value")});
    m_config->setRootIsDecorated(true);
    m_config->setColumnWidth(0, 160);
    m_history = makeTree(m_tabs, QStringLiteral("historyView"), {tr("Created"), tr("Size"), tr("Instruction")});
    m_history->setColumnWidth(0, 110);
    m_history->setColumnWidth(1, 80);
    m_referrersView = makeTree(m_tabs, QStringLiteral("referrersView"),
                               {tr("Kind"), tr("Artifact type"), tr("Digest"), tr("Size"), tr("Found via")});
    m_referrersView->setColumnWidth(0, 130);
    m_referrersView->setColumnWidth(1, 260);
    m_referrersView->setColumnWidth(2, 150);

    auto *rawPage = new QWidget(m_tabs);
    auto *rawLayout = new QVBoxLayout(rawPage);
    rawLayout->setContentsMargins(0, 4, 0, 0);
    m_rawChoice = new QComboBox(rawPage);
    m_rawChoice->setObjectName(QStringLiteral("rawChoice"));
    m_raw = new QPlainTextEdit(rawPage);
    m_raw->setObjectName(QStringLiteral("rawView"));
    m_raw->setReadOnly(true);
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_highlighter = new JsonHighlighter(m_raw->document());
    rawLayout->addWidget(m_rawChoice, 0, Qt::AlignLeft);
    rawLayout->addWidget(m_raw, 1);

    m_tabs->addTab(m_overview, tr("Overview"));
    m_tabs->addTab(m_layers, tr("Layers"));
    m_tabs->addTab(m_config, tr("Config"));
    m_tabs->addTab(m_history, tr("History"));
    m_tabs->addTab(m_referrersView, tr("Referrers"));
    m_tabs->addTab(rawPage, tr("Raw"));
    m_stack->addWidget(m_message);
    m_stack->addWidget(m_tabs);
    layout->addWidget(m_stack, 1);

    connect(m_platforms, &QComboBox::activated, this, [this](int i) { inspectPlatform(m_platforms->itemData(i).toInt()); });
    connect(m_rawChoice, &QComboBox::currentIndexChanged, this, &DetailsPane::renderRaw);
    connect(m_banner, &ErrorBanner::retryRequested, this, &DetailsPane::reload);
    connect(m_banner, &ErrorBanner::actionRequested, this, [this] { emit editConnectionRequested(m_connection); });
    paletteChanged();
    clear();
}

DetailsPane::~DetailsPane() = default;

void DetailsPane::paletteChanged()
{
    m_highlighter->setDark(palette().color(QPalette::Base).lightness() < 128);
}

void DetailsPane::clear()
{
    delete m_inspector.data();
    delete m_child.data();
    delete m_referrersQuery.data();
    for (const auto &query : std::as_const(m_platformQueries)) {
        delete query.data();
    }
    m_platformQueries.clear();
    m_indexBlobs.clear();
    m_platformsPending = 0;
    m_indexTotal = -1;
    m_inspection.reset();
    m_image.reset();
    m_referrers.reset();
    m_referrersError.clear();
    m_failed = false;
    m_connection.clear();
    m_repository.clear();
    m_tag.clear();
    m_banner->hide();
    m_title->setText(tr("Details"));
    m_platforms->clear();
    m_platforms->hide();
    m_copy->setEnabled(false);
    m_message->setText(tr("Select a tag to inspect its platforms, layers, config and signatures."));
    m_stack->setCurrentWidget(m_message);
}

void DetailsPane::showTag(const QString &connectionIn, const QString &repositoryIn, const QString &tagIn,
                          const QStringList &knownTagsIn)
{
    // Copies: the arguments may be this pane's own members, which clear() empties.
    const QString connection = connectionIn;
    const QString repository = repositoryIn;
    const QString tag = tagIn;
    const QStringList knownTags = knownTagsIn;
    if (connection == m_connection && repository == m_repository && tag == m_tag && !m_failed) {
        return;
    }
    clear();
    m_connection = connection;
    m_repository = repository;
    m_tag = tag;
    m_knownTags = knownTags;
    m_title->setText(repository + (tag.startsWith(QStringLiteral("sha256:")) ? QLatin1Char('@') : QLatin1Char(':')) + tag);
    Client::RegistryClient *client = m_session ? m_session->client(connection) : nullptr;
    if (!client) {
        m_message->setText(tr("This connection no longer exists."));
        return;
    }
    m_message->setText(tr("Loading %1…").arg(m_title->text()));
    ImageInspector::Options options;
    m_inspector = new ImageInspector(client, repository, tag, options, this);
    connect(m_inspector, &ImageInspector::finished, this, &DetailsPane::onInspected);
    m_inspector->start();
}

void DetailsPane::reload()
{
    const QString connection = m_connection;
    const QString repository = m_repository;
    const QString tag = m_tag;
    m_connection.clear();
    if (!tag.isEmpty()) {
        showTag(connection, repository, tag, m_knownTags);
    }
}

void DetailsPane::fail(const ClientError &error)
{
    m_failed = true;
    m_banner->showClientError(error);
    if (!m_inspection) {
        m_message->setText({});
        m_stack->setCurrentWidget(m_message);
    }
    emit loaded(false);
}

void DetailsPane::onInspected(const Client::InspectionResult &result)
{
    if (auto *inspector = m_inspector.data()) {
        inspector->deleteLater();
    }
    m_inspector.clear();
    if (!result) {
        if (result.error().kind() != ClientError::Kind::Cancelled) {
            fail(result.error());
        }
        return;
    }
    m_inspection = result.value();
    m_stack->setCurrentWidget(m_tabs);
    m_copy->setEnabled(true);
    if (m_inspection->isIndex) {
        const QSignalBlocker block(m_platforms);
        int preferred = -1;
        for (int i = 0; i < m_inspection->platforms.size(); ++i) {
            const auto &entry = m_inspection->platforms.at(i);
            m_platforms->addItem(platformName(entry), i);
            if (preferred < 0 && entry.platform && entry.platform->os == QStringLiteral("linux")
                && entry.platform->architecture == QStringLiteral("amd64")) {
                preferred = i;
            }
        }
        preferred = qMax(0, preferred);
        m_platforms->setVisible(m_platforms->count() > 0);
        if (m_inspection->image) {
            m_image = m_inspection->image;
        } else if (!m_inspection->platforms.isEmpty()) {
            m_platforms->setCurrentIndex(preferred);
            inspectPlatform(preferred);
        }
    } else {
        m_image = m_inspection->image;
    }
    renderOverview();
    renderImage();
    renderRaw();
    updateCopyMenu();

    // Referrers of what the tag names (an index's signatures sign the index).
    if (Client::RegistryClient *client = m_session ? m_session->client(m_connection) : nullptr) {
        m_referrersQuery = new Client::ReferrersQuery(client, m_repository, m_inspection->digest, {}, this);
        m_referrersQuery->setKnownTags(m_knownTags);
        connect(m_referrersQuery, &Client::ReferrersQuery::finished, this, &DetailsPane::onReferrers);
        m_referrersQuery->start();
    }
    sumPlatforms();
    maybeFinished();
}

void DetailsPane::sumPlatforms()
{
    Client::RegistryClient *client = m_session ? m_session->client(m_connection) : nullptr;
    if (!client || !m_inspection || !m_inspection->isIndex || m_inspection->platforms.size() < 2
        || client->profile().kind == Client::ConnectionProfile::Kind::DockerHub) {
        return; // on Docker Hub every manifest GET counts as a pull: not without a person asking
    }
    m_platformsPending = int(m_inspection->platforms.size());
    for (const Client::IndexEntry &entry : std::as_const(m_inspection->platforms)) {
        auto *query = new Client::ManifestQuery(client, m_repository, entry.digest.toString(),
                                                Client::ManifestQuery::Method::Get, this);
        m_platformQueries.append(query);
        connect(query, &Client::ManifestQuery::finished, this, [this, query](const Client::ManifestResult &r) {
            query->deleteLater();
            --m_platformsPending;
            const auto *manifest = r && r->manifest ? std::get_if<Oci::Manifest>(&*r->manifest) : nullptr;
            if (manifest) {
                m_indexBlobs.insert(manifest->config.digest.toString(), manifest->config.size);
                for (const Oci::Descriptor &layer : manifest->layers) {
                    m_indexBlobs.insert(layer.digest.toString(), layer.size);
                }
            } else {
                m_indexBlobs.insert(QStringLiteral("failed"), -1); // the total stays unknown
            }
            if (m_platformsPending == 0) {
                qint64 total = 0;
                for (qint64 size : std::as_const(m_indexBlobs)) {
                    total = size < 0 || total < 0 ? -1 : total + size;
                }
                m_indexTotal = total;
                renderOverview();
                maybeFinished();
            }
        });
        query->start();
    }
}

QString DetailsPane::currentPlatform() const
{
    return m_platforms->isVisible() ? m_platforms->currentText() : QString();
}

void DetailsPane::choosePlatform(const QString &platform)
{
    const int i = m_platforms->findText(platform);
    if (i >= 0) {
        m_platforms->setCurrentIndex(i);
        inspectPlatform(m_platforms->itemData(i).toInt());
    }
}

void DetailsPane::inspectPlatform(int entry)
{
    if (!m_inspection || entry < 0 || entry >= m_inspection->platforms.size()) {
        return;
    }
    Client::RegistryClient *client = m_session ? m_session->client(m_connection) : nullptr;
    if (!client) {
        return;
    }
    delete m_child.data();
    m_image.reset();
    renderImage();
    m_child = new ImageInspector(client, m_repository, m_inspection->platforms.at(entry).digest.toString(),
                                 ImageInspector::Options(), this);
    connect(m_child, &ImageInspector::finished, this, &DetailsPane::onChildInspected);
    m_child->start();
}

void DetailsPane::onChildInspected(const Client::InspectionResult &result)
{
    if (auto *child = m_child.data()) {
        child->deleteLater();
    }
    m_child.clear();
    if (!result) {
        if (result.error().kind() != ClientError::Kind::Cancelled) {
            fail(result.error());
        }
        return;
    }
    m_image = result->image;
    renderOverview();
    renderImage();
    renderRaw();
    maybeFinished();
}

void DetailsPane::onReferrers(const Client::ReferrersResult &result)
{
    if (auto *query = m_referrersQuery.data()) {
        query->deleteLater();
    }
    m_referrersQuery.clear();
    m_referrersView->clear();
    if (!result) {
        m_referrersError = result.error().message();
        addRow(m_referrersView, tr("Could not list referrers"), m_referrersError);
    } else {
        m_referrers = result.value();
        // A tree: one branch per kind (signatures, SBOMs, attestations, other artifacts), the referrers under
        // it; an index's buildx attestation entries join the attestations (they describe its images too).
        QHash<int, QTreeWidgetItem *> branches;
        const auto branchFor = [this, &branches](Client::ArtifactKind kind) {
            QTreeWidgetItem *&branch = branches[int(kind)];
            if (!branch) {
                branch = new QTreeWidgetItem(m_referrersView);
                QFont bold = branch->font(0);
                bold.setBold(true);
                branch->setFont(0, bold);
                branch->setFirstColumnSpanned(true);
                branch->setExpanded(true);
            }
            return branch;
        };
        for (const Client::Referrer &r : m_referrers->referrers) {
            auto *item = new QTreeWidgetItem(branchFor(r.kind));
            item->setText(0, Client::artifactKindName(r.kind));
            item->setText(1, r.descriptor.artifactType.isEmpty() ? r.descriptor.mediaType : r.descriptor.artifactType);
            item->setText(2, r.descriptor.digest.isValid() ? Format::shortDigest(r.descriptor.digest) : r.tag);
            item->setToolTip(2, r.descriptor.digest.toString());
            item->setText(3, r.descriptor.size > 0 ? Format::size(r.descriptor.size) : QString());
            switch (r.source) {
            case Client::Referrer::Source::Api:
                item->setText(4, tr("referrers API"));
                break;
            case Client::Referrer::Source::TagSchema:
                item->setText(4, tr("tag %1").arg(r.tag));
                break;
            case Client::Referrer::Source::CosignTag:
                item->setText(4, tr("cosign tag %1").arg(r.tag));
                break;
            }
        }
        if (m_inspection) {
            for (const Client::IndexEntry &entry : m_inspection->attestations) {
                auto *item = new QTreeWidgetItem(branchFor(Client::ArtifactKind::Attestation));
                item->setText(0, Client::artifactKindName(Client::ArtifactKind::Attestation));
                item->setText(1, entry.mediaType);
                item->setText(2, Format::shortDigest(entry.digest));
                item->setToolTip(2, entry.digest.toString());
                item->setText(3, Format::size(entry.size));
                item->setText(4, entry.attests.isValid() ? tr("index entry for %1").arg(Format::shortDigest(entry.attests))
                                                         : tr("index entry"));
            }
        }
        const QList<QPair<Client::ArtifactKind, QPair<QString, QString>>> names = {
            {Client::ArtifactKind::Signature, {tr("Signatures (1)"), tr("Signatures (%1)")}},
            {Client::ArtifactKind::Sbom, {tr("SBOMs (1)"), tr("SBOMs (%1)")}},
            {Client::ArtifactKind::Attestation, {tr("Attestations (1)"), tr("Attestations (%1)")}},
            {Client::ArtifactKind::Other, {tr("Other artifacts (1)"), tr("Other artifacts (%1)")}},
        };
        for (const auto &[kind, label] : names) {
            if (QTreeWidgetItem *branch = branches.value(int(kind))) {
                branch->setText(0, Format::plural(branch->childCount(), label.first, label.second));
                // Branches in a fixed order: signatures first.
                m_referrersView->addTopLevelItem(m_referrersView->takeTopLevelItem(m_referrersView->indexOfTopLevelItem(branch)));
                // Spanning and expansion belong to the view's row: set them again after the move.
                branch->setFirstColumnSpanned(true);
                branch->setExpanded(true);
            }
        }
        if (branches.isEmpty()) {
            auto *item = new QTreeWidgetItem(m_referrersView);
            item->setText(0, tr("No signatures, SBOMs or attestations refer to this digest."));
            item->setFirstColumnSpanned(true);
        }
        m_referrersView->setRootIsDecorated(!branches.isEmpty());
    }
    m_tabs->setTabText(4, m_referrers && !m_referrers->referrers.isEmpty()
                              ? tr("Referrers (%1)").arg(m_referrers->referrers.size())
                              : tr("Referrers"));
    renderOverview();
    maybeFinished();
}

void DetailsPane::maybeFinished()
{
    if (!m_inspector && !m_child && !m_referrersQuery && m_platformsPending == 0 && m_inspection) {
        Client::TagMetadata metadata;
        metadata.tag = m_tag;
        metadata.state = Client::TagMetadata::State::Loaded;
        metadata.digest = m_inspection->digest;
        metadata.mediaType = m_inspection->mediaType;
        for (const auto &entry : m_inspection->platforms) {
            if (entry.platform) {
                metadata.platforms.append(*entry.platform);
            }
        }
        if (m_image) {
            if (!m_inspection->isIndex && m_image->platform) {
                metadata.platforms = {*m_image->platform};
            }
            metadata.size = m_image->totalSize();
            if (m_image->config && m_image->config->created
                && !Oci::ImageConfig::isPlaceholderTime(*m_image->config->created)) {
                metadata.created = *m_image->config->created;
            }
        }
        if (!m_tag.startsWith(QStringLiteral("sha256:"))) {
            emit inspected(metadata);
        }
        emit loaded(!m_failed);
    }
}

void DetailsPane::renderOverview()
{
    if (!m_inspection) {
        m_overview->clear();
        return;
    }
    const ImageInspection &in = *m_inspection;
    const auto row = [](const QString &key, const QString &value) {
        return QStringLiteral("<tr><td style='padding:3px 14px 3px 0'><b>%1</b></td><td style='padding:3px 0'>%2</td></tr>")
            .arg(key.toHtmlEscaped(), value);
    };
    QString html = QStringLiteral("<table cellspacing='0'>");
    html += row(tr("Digest"), QStringLiteral("<code>%1</code>").arg(in.digest.toString()));
    QString type = mediaTypeName(in.mediaType).toHtmlEscaped();
    if (in.isIndex) {
        type += QStringLiteral(" · ") + Format::plural(in.platforms.size(), tr("1 platform"), tr("%1 platforms"));
    }
    html += row(tr("Type"), type);
    if (in.isIndex) {
        QStringList names;
        for (const auto &entry : in.platforms) {
            names << platformName(entry).toHtmlEscaped();
        }
        html += row(tr("Platforms"), names.join(QStringLiteral(" · ")));
        if (!in.attestations.isEmpty()) {
            html += row(tr("Attestations"),
                        Format::plural(in.attestations.size(), tr("1 attestation manifest (SBOM or provenance; not runnable)"), tr("%1 attestation manifests (SBOM or provenance; not runnable)")));
        }
    }
    if (m_image) {
        const InspectedImage &img = *m_image;
        QString size = Format::size(img.totalSize());
        if (in.isIndex && img.platform) {
            size += QStringLiteral(" (") + img.platform->toString().toHtmlEscaped() + QLatin1Char(')');
        }
        html += row(tr("Size"), size + QStringLiteral(" · ") + Format::plural(img.layers.size(), tr("1 layer"), tr("%1 layers")));
        if (img.config && img.config->created && !Oci::ImageConfig::isPlaceholderTime(*img.config->created)) {
            html += row(tr("Created"), QStringLiteral("%1 <span style='color:gray'>(%2)</span>")
                                           .arg(Format::relativeTime(*img.config->created),
                                                Format::exactTime(*img.config->created)));
        } else if (img.config) {
            html += row(tr("Created"), tr("not recorded (reproducible build)"));
        }
        if (!img.artifactType.isEmpty()) {
            html += row(tr("Artifact type"), img.artifactType.toHtmlEscaped());
        }
        if (img.config) {
            const auto &c = img.config->container;
            if (!c.entrypoint.isEmpty()) {
                html += row(tr("Entrypoint"), QStringLiteral("<code>%1</code>").arg(shellWords(c.entrypoint).toHtmlEscaped()));
            }
            if (!c.cmd.isEmpty()) {
                html += row(tr("Cmd"), QStringLiteral("<code>%1</code>").arg(shellWords(c.cmd).toHtmlEscaped()));
            }
            if (!c.exposedPorts.isEmpty()) {
                html += row(tr("Ports"), c.exposedPorts.join(QStringLiteral(", ")).toHtmlEscaped());
            }
        }
    } else if (isLoading()) {
        html += row(tr("Size"), tr("loading…"));
    }
    if (in.isIndex && m_indexTotal >= 0) {
        html += row(tr("Total"), tr("%1 for all %2 platforms (shared layers counted once)")
                                     .arg(Format::size(m_indexTotal))
                                     .arg(in.platforms.size()));
    }
    if (m_referrers) {
        int signatures = 0;
        int sboms = 0;
        int attestations = 0;
        for (const auto &r : m_referrers->referrers) {
            signatures += r.kind == Client::ArtifactKind::Signature;
            sboms += r.kind == Client::ArtifactKind::Sbom;
            attestations += r.kind == Client::ArtifactKind::Attestation;
        }
        const auto badge = [](int n, const QString &yes) {
            return n > 0 ? QStringLiteral("<span style='color:#2ea043'>✔</span> ") + yes
                         : QStringLiteral("<span style='color:gray'>—</span>");
        };
        html += row(tr("Signed"), badge(signatures, Format::plural(signatures, tr("1 signature"), tr("%1 signatures"))));
        html += row(tr("SBOM"), badge(sboms, Format::plural(sboms, tr("1 SBOM"), tr("%1 SBOMs"))));
        if (attestations > 0) {
            html += row(tr("Attestations"), badge(attestations, Format::plural(attestations, tr("1 attestation"), tr("%1 attestations"))));
        }
    } else if (!m_referrersError.isEmpty()) {
        html += row(tr("Signed"), m_referrersError.toHtmlEscaped());
    }
    html += QStringLiteral("</table>");
    m_overview->setHtml(html);
}

void DetailsPane::renderImage()
{
    m_layers->clear();
    m_config->clear();
    m_history->clear();
    if (!m_image) {
        return;
    }
    const InspectedImage &img = *m_image;
    const qint64 total = qMax<qint64>(1, img.layersSize());
    for (int i = 0; i < img.layers.size(); ++i) {
        const auto &layer = img.layers.at(i);
        auto *item = new QTreeWidgetItem(m_layers);
        item->setText(0, QString::number(i + 1));
        item->setText(1, Format::size(layer.size));
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        item->setData(2, ShareRole, layer.size > 0 ? double(layer.size) / double(total) : 0.0);
        item->setToolTip(2, layer.size > 0 ? tr("%1 % of the image's layers").arg(QString::number(100.0 * double(layer.size) / double(total), 'f', 1))
                                           : QString());
        item->setText(3, Format::shortDigest(layer.digest));
        item->setToolTip(3, layer.digest.toString());
        item->setText(4, layer.mediaType);
    }
    if (!img.config) {
        if (!img.configRaw.isEmpty()) {
            addRow(m_config, tr("Config"), tr("Not an image config (%1): see Raw.").arg(img.configMediaType));
        }
        return;
    }
    const Oci::ImageConfig &config = *img.config;
    const auto &c = config.container;
    addRow(m_config, tr("Platform"), config.platformString());
    if (!c.entrypoint.isEmpty()) {
        addRow(m_config, tr("Entrypoint"), shellWords(c.entrypoint));
    }
    if (!c.cmd.isEmpty()) {
        addRow(m_config, tr("Cmd"), shellWords(c.cmd));
    }
    if (!c.workingDir.isEmpty()) {
        addRow(m_config, tr("WorkingDir"), c.workingDir);
    }
    if (!c.user.isEmpty()) {
        addRow(m_config, tr("User"), c.user);
    }
    if (!c.exposedPorts.isEmpty()) {
        addRow(m_config, tr("Ports"), c.exposedPorts.join(QStringLiteral(", ")));
    }
    if (!c.volumes.isEmpty()) {
        addRow(m_config, tr("Volumes"), c.volumes.join(QStringLiteral(", ")));
    }
    if (!c.stopSignal.isEmpty()) {
        addRow(m_config, tr("StopSignal"), c.stopSignal);
    }
    if (!c.env.isEmpty()) {
        auto *env = addRow(m_config, tr("Env"), Format::plural(c.env.size(), tr("1 variable"), tr("%1 variables")));
        for (const auto &var : config.envVars()) {
            addRow(m_config, var.name, var.value, env);
        }
        env->setExpanded(true);
    }
    if (!c.labels.isEmpty()) {
        auto *labels = addRow(m_config, tr("Labels"), Format::plural(c.labels.size(), tr("1 label"), tr("%1 labels")));
        for (auto it = c.labels.cbegin(); it != c.labels.cend(); ++it) {
            addRow(m_config, it.key(), it.value(), labels);
        }
        labels->setExpanded(true);
    }
    if (!config.author.isEmpty()) {
        addRow(m_config, tr("Author"), config.author);
    }

    const auto pairs = config.historyLayers();
    for (const auto &pair : pairs) {
        auto *item = new QTreeWidgetItem(m_history);
        if (pair.historyIndex >= 0) {
            const auto &h = config.history.at(pair.historyIndex);
            if (h.created && !Oci::ImageConfig::isPlaceholderTime(*h.created)) {
                item->setText(0, Format::relativeTime(*h.created));
                item->setToolTip(0, Format::exactTime(*h.created));
            }
            const QString instruction = cleanInstruction(h.createdBy);
            item->setText(2, instruction.isEmpty() ? h.comment : instruction);
            item->setToolTip(2, h.createdBy);
            if (h.emptyLayer) {
                item->setForeground(2, palette().brush(QPalette::PlaceholderText));
            }
        }
        if (pair.layerIndex >= 0 && pair.layerIndex < img.layers.size()) {
            item->setText(1, Format::size(img.layers.at(pair.layerIndex).size));
        } else {
            item->setText(1, pair.historyIndex >= 0 ? QStringLiteral("—") : QString());
        }
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    }
}

void DetailsPane::renderRaw()
{
    const QSignalBlocker block(m_rawChoice);
    const int previous = m_rawChoice->currentIndex();
    m_rawChoice->clear();
    if (m_inspection && m_inspection->isIndex) {
        m_rawChoice->addItem(tr("Index"), QStringLiteral("index"));
    }
    if (m_image) {
        m_rawChoice->addItem(tr("Manifest"), QStringLiteral("manifest"));
        if (!m_image->configRaw.isEmpty()) {
            m_rawChoice->addItem(tr("Config"), QStringLiteral("config"));
        }
    } else if (m_inspection && !m_inspection->isIndex) {
        m_rawChoice->addItem(tr("Manifest"), QStringLiteral("index"));
    }
    m_rawChoice->setCurrentIndex(qBound(0, previous, m_rawChoice->count() - 1));
    const QString which = m_rawChoice->currentData().toString();
    QByteArray bytes;
    if (which == QStringLiteral("index") && m_inspection) {
        bytes = m_inspection->raw;
    } else if (which == QStringLiteral("manifest") && m_image) {
        bytes = m_image->manifestRaw;
    } else if (which == QStringLiteral("config") && m_image) {
        bytes = m_image->configRaw;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(bytes);
    m_raw->setPlainText(doc.isNull() ? QString::fromUtf8(bytes) : QString::fromUtf8(doc.toJson(QJsonDocument::Indented)));
}

QList<QPair<QString, QString>> DetailsPane::copyEntries() const
{
    Client::RegistryClient *client = m_session ? m_session->client(m_connection) : nullptr;
    if (!client || !m_inspection) {
        return {};
    }
    const QString tag = m_tag.startsWith(QStringLiteral("sha256:")) ? QString() : m_tag;
    return PullCommands(client->profile(), m_repository, tag, m_inspection->digest).all();
}

void DetailsPane::updateCopyMenu()
{
    QMenu *menu = m_copy->menu();
    menu->clear();
    for (const auto &[label, text] : copyEntries()) {
        QAction *action = menu->addAction(label);
        action->setToolTip(text);
        action->setData(text);
        connect(action, &QAction::triggered, this, [text] { QApplication::clipboard()->setText(text); });
    }
}

} // namespace Minato::App
