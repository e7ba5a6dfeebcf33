#include "tagspane.h"

#include "appsession.h"
#include "errorbanner.h"
#include "format.h"
#include "pullcommands.h"
#include "tagtablemodel.h"

#include "client/clienterror.h"
#include "client/registryclient.h"
#include "client/tagmetadataprovider.h"
#include "client/tagsquery.h"
#include "client/vendorapi.h"
#include "client/vendortagsquery.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollBar>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace Minato::App {

using Client::ClientError;
using Client::ConnectionProfile;
using Client::TagMetadataProvider;

TagsPane::TagsPane(QWidget *parent)
    : QWidget(parent)
    , m_model(new TagTableModel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 4);
    auto *titleRow = new QHBoxLayout;
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("tagsTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_copy = new QToolButton(this);
    m_copy->setObjectName(QStringLiteral("copyRepositoryButton"));
    m_copy->setText(tr("Copy"));
    m_copy->setToolTip(tr("Copy the repository's name"));
    m_pin = new QToolButton(this);
    m_pin->setObjectName(QStringLiteral("pinButton"));
    m_pin->setCheckable(true);
    m_pin->setText(tr("Pin"));
    m_pin->setToolTip(tr("Keep this repository in the sidebar"));
    titleRow->addWidget(m_title, 1);
    titleRow->addWidget(m_pin);
    titleRow->addWidget(m_copy);
    layout->addLayout(titleRow);

    auto *filterRow = new QHBoxLayout;
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("tagFilter"));
    m_filter->setPlaceholderText(tr("Filter tags"));
    m_filter->setClearButtonEnabled(true);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("tagCount"));
    m_count->setForegroundRole(QPalette::PlaceholderText);
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_count);
    layout->addLayout(filterRow);
    m_banner = new ErrorBanner(this);
    m_banner->setObjectName(QStringLiteral("tagsBanner"));
    layout->addWidget(m_banner);

    m_stack = new QStackedWidget(this);
    m_view = new QTableView(m_stack);
    m_view->setObjectName(QStringLiteral("tagsView"));
    m_view->setModel(m_model);
    // Highest versions first ("v1.10.0" above "v1.9.2"): tag names compare naturally.
    m_view->horizontalHeader()->setSortIndicator(TagTableModel::TagColumn, Qt::DescendingOrder);
    m_view->horizontalHeader()->setSortIndicatorShown(true);
    m_view->setSortingEnabled(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Several tags can be selected (Shift/Ctrl+click) for a delete of many; the current row is the one shown.
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    // Ctrl+C in the table copies the selected tags' references ("host/repo:tag", one per line); only while the
    // table has the focus, so the filter field keeps its own Ctrl+C.
    auto *copyTags = new QAction(tr("Copy &reference"), m_view);
    copyTags->setObjectName(QStringLiteral("copyTagReferences"));
    copyTags->setShortcut(QKeySequence::Copy);
    copyTags->setShortcutContext(Qt::WidgetShortcut);
    connect(copyTags, &QAction::triggered, this, &TagsPane::copySelectedReferences);
    m_view->addAction(copyTags);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setShowGrid(false);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(TagTableModel::TagColumn, 200);
    m_view->setColumnWidth(TagTableModel::DigestColumn, 150);
    m_view->setColumnWidth(TagTableModel::PlatformsColumn, 170);
    m_view->setColumnWidth(TagTableModel::SizeColumn, 80);
    m_view->setAccessibleName(tr("Tags"));
    m_message = new QLabel(m_stack);
    m_message->setObjectName(QStringLiteral("tagsMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_message);
    layout->addWidget(m_stack, 1);

    m_visibleTimer.setSingleShot(true);
    m_visibleTimer.setInterval(60);
    connect(&m_visibleTimer, &QTimer::timeout, this, &TagsPane::requestVisible);
    const auto soon = [this] { m_visibleTimer.start(); };
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, soon);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, soon);
    connect(m_model, &QAbstractItemModel::modelReset, this, soon);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, soon);
    connect(m_model, &TagTableModel::countsChanged, this, &TagsPane::updateCount);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_pendingTag.isEmpty() && m_model->rowOf(m_pendingTag) >= 0) {
            selectTag(m_pendingTag);
        }
    });
    connect(m_filter, &QLineEdit::textChanged, m_model, &TagTableModel::setFilter);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &TagsPane::onCurrentChanged);
    connect(m_copy, &QToolButton::clicked, this, &TagsPane::copyReference);
    connect(m_pin, &QToolButton::toggled, this, [this](bool on) {
        if (!m_session || m_repository.isEmpty()) {
            return;
        }
        if (on) {
            m_session->pin(m_connection, m_repository);
        } else {
            m_session->unpin(m_connection, m_repository);
        }
    });
    connect(m_banner, &ErrorBanner::retryRequested, this, &TagsPane::reload);
    connect(m_banner, &ErrorBanner::actionRequested, this, [this] { emit editConnectionRequested(m_connection); });
    clear();
}

TagsPane::~TagsPane() = default;

void TagsPane::clear()
{
    delete m_query.data();
    delete m_vendor;
    m_vendor = nullptr;
    delete m_provider;
    m_provider = nullptr;
    m_connection.clear();
    m_repository.clear();
    m_pendingTag.clear();
    m_model->clear();
    m_banner->hide();
    m_title->setText(tr("Tags"));
    m_copy->setEnabled(false);
    m_pin->setEnabled(false);
    {
        const QSignalBlocker block(m_pin);
        m_pin->setChecked(false);
    }
    m_filter->setEnabled(false);
    m_message->setText(tr("Select a repository to see its tags, sizes and platforms."));
    m_stack->setCurrentWidget(m_message);
    updateCount();
}

void TagsPane::showRepository(const QString &connectionIn, const QString &repositoryIn)
{
    // Copies: the arguments may be this pane's own members, which clear() empties.
    const QString connection = connectionIn;
    const QString repository = repositoryIn;
    if (connection == m_connection && repository == m_repository && (isLoading() || m_model->totalCount() > 0)) {
        return;
    }
    const QString filter = m_filter->text();
    clear();
    m_connection = connection;
    m_repository = repository;
    Client::RegistryClient *client = m_session ? m_session->client(connection) : nullptr;
    m_title->setText(client ? PullCommands(client->profile(), repository, {}, {}).repositoryName() : repository);
    m_copy->setEnabled(true);
    m_pin->setEnabled(m_session != nullptr);
    {
        const QSignalBlocker block(m_pin);
        m_pin->setChecked(m_session && m_session->pins(connection).contains(repository));
    }
    m_filter->setEnabled(true);
    {
        // A filter typed for the previous repository stays: people compare the same tag across repositories.
        const QSignalBlocker block(m_filter);
        m_filter->setText(filter);
    }
    m_model->setFilter(filter);
    startListing();
}

void TagsPane::reload()
{
    if (m_repository.isEmpty()) {
        return;
    }
    const QString connection = m_connection;
    const QString repository = m_repository;
    const QString tag = currentTag();
    m_connection.clear();
    showRepository(connection, repository);
    if (!tag.isEmpty()) {
        selectTag(tag);
    }
}

void TagsPane::startListing()
{
    Client::RegistryClient *client = m_session ? m_session->client(m_connection) : nullptr;
    if (!client) {
        m_message->setText(tr("This connection no longer exists."));
        return;
    }
    m_provider = new TagMetadataProvider(client, m_repository, m_session->digestCache(), this);
    if (client->profile().kind == ConnectionProfile::Kind::DockerHub) {
        m_provider->setPolicy(TagMetadataProvider::Policy::HeadOnly); // a manifest GET is a pull there
    }
    connect(m_provider, &TagMetadataProvider::metadataChanged, m_model,
            [this](const QString &, const Client::TagMetadata &metadata) { m_model->setMetadata(metadata); });

    m_vendor = new Client::VendorApi(client, this);
    Client::ListQuery *query = nullptr;
    if (Client::VendorTagsQuery *vendorTags = m_vendor->tags(m_repository, PageSize)) {
        vendorTags->feed(m_provider);
        query = vendorTags;
    } else {
        query = client->tags(m_repository, PageSize);
    }
    m_query = query;
    m_stack->setCurrentWidget(m_view);
    connect(query, &Client::ListQuery::pageReady, m_model, &TagTableModel::append);
    connect(query, &Client::ListQuery::finished, this, [this, query](const Client::ListResult &result) {
        query->deleteLater();
        m_query.clear();
        m_model->finishLoading();
        if (!result) {
            const ClientError &e = result.error();
            m_banner->showClientError(e);
            if (m_model->totalCount() == 0) {
                m_message->setText({});
                m_stack->setCurrentWidget(m_message);
            }
        } else if (m_model->totalCount() == 0) {
            m_message->setText(tr("<b>No tags</b><br>This repository exists but has no tagged images."));
            m_stack->setCurrentWidget(m_message);
        }
        updateCount();
        emit listingFinished(m_repository, bool(result));
    });
    updateCount();
    query->start();
}

void TagsPane::requestVisible()
{
    if (!m_provider || m_model->rowCount() == 0) {
        return;
    }
    const int top = qMax(0, m_view->rowAt(0));
    int bottom = m_view->rowAt(m_view->viewport()->height() - 1);
    if (bottom < 0) {
        bottom = m_model->rowCount() - 1;
    }
    bottom = qMin(m_model->rowCount() - 1, bottom + 5);
    QStringList tags;
    for (int row = top; row <= bottom; ++row) {
        const QString tag = m_model->tagAt(row);
        if (!m_provider->metadata(tag)) {
            tags.append(tag);
        }
    }
    m_provider->cancelQueued();
    if (!tags.isEmpty()) {
        m_provider->request(tags);
    }
}

void TagsPane::supplyMetadata(const Client::TagMetadata &metadata)
{
    if (m_provider) {
        m_provider->supply(metadata);
    }
}

void TagsPane::selectTag(const QString &tag)
{
    const int row = m_model->rowOf(tag);
    if (row < 0) {
        m_pendingTag = tag; // selected once listed
        return;
    }
    m_pendingTag.clear();
    const QModelIndex index = m_model->index(row, 0);
    if (m_view->currentIndex().row() != row) {
        m_view->setCurrentIndex(index);
    } else {
        onCurrentChanged();
    }
    m_view->scrollTo(index);
}

QString TagsPane::currentTag() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? m_model->tagAt(current.row()) : QString();
}

void TagsPane::focusFilter()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

void TagsPane::onCurrentChanged()
{
    const QString tag = currentTag();
    if (!tag.isEmpty()) {
        emit tagSelected(m_connection, m_repository, tag);
    }
}

void TagsPane::updateCount()
{
    const int total = m_model->totalCount();
    const QLocale locale;
    QString text;
    if (m_repository.isEmpty()) {
        text.clear();
    } else if (!m_model->filterText().isEmpty()) {
        text = tr("%1 of %2 tags").arg(locale.toString(m_model->visibleCount()), locale.toString(total));
    } else {
        text = Format::plural(total, tr("1 tag"), tr("%1 tags"));
    }
    if (isLoading()) {
        text = total == 0 ? tr("Loading…") : text + tr(" · loading more…");
    }
    m_count->setText(text);
}

QStringList TagsPane::selectedTags() const
{
    QStringList tags;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows(TagTableModel::TagColumn);
    for (const QModelIndex &index : rows) {
        if (const QString tag = m_model->tagAt(index.row()); !tag.isEmpty()) {
            tags.append(tag);
        }
    }
    if (tags.isEmpty()) {
        if (const QString current = currentTag(); !current.isEmpty()) {
            tags.append(current);
        }
    }
    return tags;
}

void TagsPane::copySelectedReferences()
{
    QStringList references;
    for (const QString &tag : selectedTags()) {
        references.append(m_title->text() + u':' + tag);
    }
    if (!references.isEmpty()) {
        QApplication::clipboard()->setText(references.join(u'\n'));
    }
}

void TagsPane::copyReference()
{
    QApplication::clipboard()->setText(m_title->text());
}

} // namespace Minato::App
