#include "tagtablemodel.h"

#include "format.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPalette>

#include <algorithm>

namespace Minato::App {

using Client::TagMetadata;

namespace {
qint64 nowMs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}
} // namespace

TagTableModel::TagTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    connect(&m_async, &AsyncFilter::resultReady, this, &TagTableModel::applyFilterResult);
}

TagTableModel::~TagTableModel() = default;

void TagTableModel::clear()
{
    m_async.cancel();
    beginResetModel();
    m_tags.clear();
    m_folded.clear();
    m_index.clear();
    m_meta.clear();
    m_order.clear();
    m_visible.clear();
    m_rowOf.clear();
    m_sortStale = false;
    endResetModel();
    emit countsChanged();
}

void TagTableModel::append(const QStringList &tags)
{
    QList<int> shown;
    for (const QString &tag : tags) {
        if (tag.isEmpty() || m_index.contains(tag)) {
            continue;
        }
        const int i = int(m_tags.size());
        m_index.insert(tag, i);
        m_tags.append(tag);
        m_folded.append(FilterText::fold(tag));
        m_order.append(i);
        m_rowOf.push_back(-1);
        // While a filter is computed elsewhere, new rows are matched when its result lands.
        if (!m_async.isRunning() && m_filter.matches(m_folded.constLast())) {
            shown.append(i);
        }
    }
    if (m_sortColumn >= 0 && !tags.isEmpty()) {
        m_sortStale = true;
    }
    if (!shown.isEmpty()) {
        const int first = int(m_visible.size());
        beginInsertRows({}, first, first + int(shown.size()) - 1);
        for (int i : shown) {
            m_rowOf[size_t(i)] = int(m_visible.size());
            m_visible.append(i);
        }
        endInsertRows();
    }
    emit countsChanged();
}

void TagTableModel::finishLoading()
{
    if (m_sortStale && m_sortColumn >= 0) {
        sort(m_sortColumn, m_sortOrder);
    }
}

void TagTableModel::setMetadata(const TagMetadata &metadata)
{
    const auto it = m_index.constFind(metadata.tag);
    if (it == m_index.constEnd()) {
        return;
    }
    m_meta.insert(*it, metadata);
    const int row = m_rowOf[size_t(*it)];
    if (row >= 0) {
        emit dataChanged(index(row, DigestColumn), index(row, CreatedColumn));
    }
}

const TagMetadata *TagTableModel::metadata(const QString &tag) const
{
    const auto it = m_index.constFind(tag);
    if (it == m_index.constEnd()) {
        return nullptr;
    }
    const auto meta = m_meta.constFind(*it);
    return meta == m_meta.constEnd() ? nullptr : &*meta;
}

void TagTableModel::setFilter(const QString &text)
{
    const FilterText filter(text);
    if (filter.text() == (m_async.isRunning() ? m_pendingFilter.text() : m_filter.text())) {
        return;
    }
    // Typing on narrows what is shown: search only the rows shown. Otherwise (backspace, a new word) all.
    const bool narrowing = !m_async.isRunning() && filter.narrows(m_filter);
    m_pendingFilter = filter;
    m_filterStarted = nowMs();
    m_filterTagCount = int(m_tags.size());
    m_async.start(m_folded, narrowing ? m_visible : m_order, filter);
}

void TagTableModel::applyFilterResult(const FilterText &filter, const QList<int> &rows)
{
    beginResetModel();
    m_filter = filter;
    m_visible = rows;
    // Tags that arrived while the filter ran on a worker thread were not part of its input.
    for (int i = m_filterTagCount; i < m_tags.size(); ++i) {
        if (filter.matches(m_folded.at(i))) {
            m_visible.append(i);
        }
    }
    m_filterTagCount = int(m_tags.size());
    if (m_sortColumn >= 0) {
        std::stable_sort(m_visible.begin(), m_visible.end(), [this](int a, int b) { return sortLess(a, b); });
    }
    reindexVisible();
    endResetModel();
    emit countsChanged();
    emit filterApplied(filter.text(), nowMs() - m_filterStarted);
}

void TagTableModel::reindexVisible()
{
    std::fill(m_rowOf.begin(), m_rowOf.end(), -1);
    for (int row = 0; row < m_visible.size(); ++row) {
        m_rowOf[size_t(m_visible[row])] = row;
    }
}

QString TagTableModel::tagAt(int row) const
{
    return row >= 0 && row < m_visible.size() ? m_tags.at(m_visible.at(row)) : QString();
}

int TagTableModel::rowOf(const QString &tag) const
{
    const auto it = m_index.constFind(tag);
    return it == m_index.constEnd() ? -1 : m_rowOf[size_t(*it)];
}

int TagTableModel::naturalCompare(const QString &a, const QString &b)
{
    const QChar *p = a.constData();
    const QChar *q = b.constData();
    const QChar *pe = p + a.size();
    const QChar *qe = q + b.size();
    while (p < pe && q < qe) {
        if (p->isDigit() && q->isDigit()) {
            while (p < pe && *p == QLatin1Char('0')) {
                ++p;
            }
            while (q < qe && *q == QLatin1Char('0')) {
                ++q;
            }
            const QChar *ps = p;
            const QChar *qs = q;
            while (p < pe && p->isDigit()) {
                ++p;
            }
            while (q < qe && q->isDigit()) {
                ++q;
            }
            const auto lp = p - ps;
            const auto lq = q - qs;
            if (lp != lq) {
                return lp < lq ? -1 : 1;
            }
            for (auto k = 0; k < lp; ++k) {
                if (ps[k] != qs[k]) {
                    return ps[k] < qs[k] ? -1 : 1;
                }
            }
            continue;
        }
        const QChar cp = p->toLower();
        const QChar cq = q->toLower();
        if (cp != cq) {
            return cp < cq ? -1 : 1;
        }
        ++p;
        ++q;
    }
    if (p < pe) {
        return 1;
    }
    if (q < qe) {
        return -1;
    }
    return a.compare(b);
}

bool TagTableModel::sortLess(int a, int b) const
{
    const bool ascending = m_sortOrder == Qt::AscendingOrder;
    const auto byTag = [&] {
        const int c = naturalCompare(m_tags.at(a), m_tags.at(b));
        return ascending ? c < 0 : c > 0;
    };
    if (m_sortColumn == TagColumn || m_sortColumn == PlatformsColumn) {
        return byTag();
    }
    const TagMetadata *ma = nullptr;
    const TagMetadata *mb = nullptr;
    if (auto it = m_meta.constFind(a); it != m_meta.constEnd()) {
        ma = &*it;
    }
    if (auto it = m_meta.constFind(b); it != m_meta.constEnd()) {
        mb = &*it;
    }
    // Unknown values go last in both directions.
    const auto compareKnown = [&](bool knownA, bool knownB, auto less, auto equal) {
        if (knownA != knownB) {
            return knownA;
        }
        if (!knownA || equal()) {
            return byTag();
        }
        return ascending ? less() : !less();
    };
    switch (m_sortColumn) {
    case DigestColumn:
        return compareKnown(
            ma && ma->digest.isValid(), mb && mb->digest.isValid(),
            [&] { return ma->digest.toString() < mb->digest.toString(); },
            [&] { return ma->digest == mb->digest; });
    case SizeColumn:
        return compareKnown(
            ma && ma->size >= 0, mb && mb->size >= 0, [&] { return ma->size < mb->size; },
            [&] { return ma->size == mb->size; });
    case CreatedColumn:
        return compareKnown(
            ma && ma->created.isValid(), mb && mb->created.isValid(), [&] { return ma->created < mb->created; },
            [&] { return ma->created == mb->created; });
    default:
        return byTag();
    }
}

void TagTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount) {
        return;
    }
    m_sortColumn = column;
    m_sortOrder = order;
    m_sortStale = false;
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QList<int> tagsBefore;
    tagsBefore.reserve(before.size());
    for (const QModelIndex &i : before) {
        tagsBefore.append(i.row() >= 0 && i.row() < m_visible.size() ? m_visible.at(i.row()) : -1);
    }
    const auto less = [this](int a, int b) { return sortLess(a, b); };
    std::stable_sort(m_order.begin(), m_order.end(), less);
    std::stable_sort(m_visible.begin(), m_visible.end(), less);
    reindexVisible();
    QModelIndexList after;
    after.reserve(before.size());
    for (qsizetype k = 0; k < before.size(); ++k) {
        const int t = tagsBefore.at(k);
        after.append(t < 0 ? QModelIndex() : index(m_rowOf[size_t(t)], before.at(k).column()));
    }
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

int TagTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_visible.size());
}

int TagTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TagTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal) {
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        return section == SizeColumn ? int(Qt::AlignRight | Qt::AlignVCenter) : int(Qt::AlignLeft | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case TagColumn:
        return tr("Tag");
    case DigestColumn:
        return tr("Digest");
    case PlatformsColumn:
        return tr("Platforms");
    case SizeColumn:
        return tr("Size");
    case CreatedColumn:
        return tr("Created");
    default:
        return {};
    }
}

QVariant TagTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const int i = m_visible.at(index.row());
    const QString &tag = m_tags.at(i);
    const auto metaIt = m_meta.constFind(i);
    const TagMetadata *meta = metaIt == m_meta.constEnd() ? nullptr : &*metaIt;
    const bool loaded = meta && meta->state == TagMetadata::State::Loaded;

    switch (role) {
    case TagRole:
        return tag;
    case DigestRole:
        return meta && meta->digest.isValid() ? meta->digest.toString() : QString();
    case StateRole:
        return meta ? int(meta->state) : -1;
    case Qt::TextAlignmentRole:
        return index.column() == SizeColumn ? int(Qt::AlignRight | Qt::AlignVCenter)
                                            : int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (index.column() != TagColumn && (!meta || meta->state == TagMetadata::State::Failed)) {
            return QApplication::palette().brush(QPalette::PlaceholderText);
        }
        return {};
    default:
        break;
    }

    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case TagColumn:
            return tag;
        case DigestColumn:
            if (meta && meta->digest.isValid()) {
                return Format::shortDigest(meta->digest);
            }
            return meta && meta->state == TagMetadata::State::Failed ? tr("unavailable") : QStringLiteral("…");
        case PlatformsColumn:
            if (meta && !meta->platforms.isEmpty()) {
                return Format::platforms(meta->platforms, 1);
            }
            return loaded || (meta && meta->state == TagMetadata::State::Digest) ? QStringLiteral("—") : QString();
        case SizeColumn:
            return meta && meta->size >= 0 ? Format::size(meta->size) : QString();
        case CreatedColumn:
            return meta && meta->created.isValid() ? Format::relativeTime(meta->created) : QString();
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (meta && meta->state == TagMetadata::State::Failed) {
            return meta->error;
        }
        if (meta && meta->state == TagMetadata::State::Digest && index.column() != TagColumn) {
            return tr("Open the tag to load its size, platforms and date: on Docker Hub that counts as a pull.");
        }
        switch (index.column()) {
        case TagColumn:
            return tag;
        case DigestColumn:
            return meta && meta->digest.isValid() ? meta->digest.toString() : QString();
        case PlatformsColumn:
            return meta ? Format::platforms(meta->platforms, 1000) : QString();
        case SizeColumn:
            return meta && meta->size >= 0 ? tr("%1 bytes, compressed").arg(QLocale().toString(meta->size)) : QString();
        case CreatedColumn:
            return meta ? Format::exactTime(meta->created) : QString();
        default:
            return {};
        }
    }
    return {};
}

} // namespace Minato::App
