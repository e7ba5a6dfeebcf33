#include "tagtablemodel.h"

#include "format.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QPalette>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace Minato::App {

using Client::TagMetadata;

namespace {
// QChar::toLower() without the out-of-line call for ASCII, which most tags are (a sort compares ~1.7 million
// pairs at 100,000 tags).
inline QChar lower(QChar c)
{
    const char16_t u = c.unicode();
    if (u < 0x80) {
        return QChar(u >= u'A' && u <= u'Z' ? char16_t(u + 32) : u);
    }
    return c.toLower();
}

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
    ++m_sortGeneration; // a sort still running on a worker is dropped
    m_sorting = false;
    beginResetModel();
    m_tags.clear();
    m_folded.clear();
    m_index = {}; // frees the table too
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
        const int i = int(m_tags.size());
        Client::HashedName key(tag);
        if (tag.isEmpty() || m_index.contains(key)) {
            continue; // empty, or a duplicate
        }
        m_index.insert(std::move(key), i);
        m_tags.append(tag);
        m_folded.append(tag);
        m_order.append(i);
        m_rowOf.push_back(-1);
        // While a filter is computed elsewhere, new rows are matched when its result lands.
        if (!m_async.isRunning() && m_filter.matches(m_folded.at(i))) {
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
    const auto it = m_index.constFind(Client::HashedName(metadata.tag));
    if (it == m_index.cend()) {
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
    const auto it = m_index.constFind(Client::HashedName(tag));
    if (it == m_index.cend()) {
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
    m_filterOrderEpoch = m_orderEpoch;
    m_async.start(m_folded, narrowing ? m_visible : m_order, filter);
}

void TagTableModel::applyFilterResult(const FilterText &filter, const QList<int> &rows)
{
    beginResetModel();
    m_filter = filter;
    m_visible = rows;
    // Tags that arrived while the filter ran on a worker thread were not part of its input; they are at the
    // end of m_order too.
    for (int i = m_filterTagCount; i < m_tags.size(); ++i) {
        if (filter.matches(m_folded.at(i))) {
            m_visible.append(i);
        }
    }
    m_filterTagCount = int(m_tags.size());
    // The rows came from m_order (or from the rows shown, a subsequence of it), so they are in its order:
    // no sort here. Only when a sort landed while the filter ran are they put in the new order, in O(n).
    if (m_filterOrderEpoch != m_orderEpoch) {
        std::vector<char> keep(size_t(m_tags.size()), 0);
        for (int i : std::as_const(m_visible)) {
            keep[size_t(i)] = 1;
        }
        QList<int> ordered;
        ordered.reserve(m_visible.size());
        for (int i : std::as_const(m_order)) {
            if (keep[size_t(i)]) {
                ordered.append(i);
            }
        }
        m_visible = ordered;
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
    const auto it = m_index.constFind(Client::HashedName(tag));
    return it == m_index.cend() ? -1 : m_rowOf[size_t(*it)];
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
        const QChar cp = lower(*p);
        const QChar cq = lower(*q);
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

namespace {

// The sort order of tags `a` and `b` (indices into `tags`). A free function: sorts of long lists run on a
// worker thread over copies of the tags and their metadata.
bool tagLess(const QStringList &tags, const QHash<int, TagMetadata> &meta, int column, Qt::SortOrder order, int a,
             int b)
{
    const bool ascending = order == Qt::AscendingOrder;
    const auto byTag = [&] {
        const int c = TagTableModel::naturalCompare(tags.at(a), tags.at(b));
        return ascending ? c < 0 : c > 0;
    };
    if (column == TagTableModel::TagColumn || column == TagTableModel::PlatformsColumn) {
        return byTag();
    }
    const TagMetadata *ma = nullptr;
    const TagMetadata *mb = nullptr;
    if (auto it = meta.constFind(a); it != meta.constEnd()) {
        ma = &*it;
    }
    if (auto it = meta.constFind(b); it != meta.constEnd()) {
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
    switch (column) {
    case TagTableModel::DigestColumn:
        return compareKnown(
            ma && ma->digest.isValid(), mb && mb->digest.isValid(),
            [&] { return ma->digest.toString() < mb->digest.toString(); },
            [&] { return ma->digest == mb->digest; });
    case TagTableModel::SizeColumn:
        return compareKnown(
            ma && ma->size >= 0, mb && mb->size >= 0, [&] { return ma->size < mb->size; },
            [&] { return ma->size == mb->size; });
    case TagTableModel::CreatedColumn:
        return compareKnown(
            ma && ma->created.isValid(), mb && mb->created.isValid(), [&] { return ma->created < mb->created; },
            [&] { return ma->created == mb->created; });
    default:
        return byTag();
    }
}

} // namespace

void TagTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount) {
        return;
    }
    m_sortColumn = column;
    m_sortOrder = order;
    m_sortStale = false;
    m_sortStarted = nowMs();
    const quint64 generation = ++m_sortGeneration;
    const int count = int(m_tags.size());
    if (m_order.size() < AsyncFilter::ThreadThreshold) {
        m_sorting = false;
        QList<int> sorted = m_order;
        std::stable_sort(sorted.begin(), sorted.end(),
                         [this](int a, int b) { return tagLess(m_tags, m_meta, m_sortColumn, m_sortOrder, a, b); });
        applySortedOrder(sorted, count);
        return;
    }
    // A long list: sorted on a worker thread over implicitly shared copies (appends on this thread detach
    // ours). Tags appended meanwhile stay at the end, and the sort is marked stale again (append()).
    m_sorting = true;
    auto *watcher = new QFutureWatcher<QList<int>>(this);
    connect(watcher, &QFutureWatcher<QList<int>>::finished, this, [this, watcher, generation, count] {
        watcher->deleteLater();
        if (generation != m_sortGeneration) {
            return; // superseded by another sort, or cleared
        }
        m_sorting = false;
        applySortedOrder(watcher->result(), count);
    });
    watcher->setFuture(QtConcurrent::run([tags = m_tags, meta = m_meta, column, order, base = m_order]() mutable {
        std::stable_sort(base.begin(), base.end(),
                         [&](int a, int b) { return tagLess(tags, meta, column, order, a, b); });
        return base;
    }));
}

void TagTableModel::applySortedOrder(const QList<int> &sorted, int count)
{
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QList<int> tagsBefore;
    tagsBefore.reserve(before.size());
    for (const QModelIndex &i : before) {
        tagsBefore.append(i.row() >= 0 && i.row() < m_visible.size() ? m_visible.at(i.row()) : -1);
    }
    m_order = sorted;
    for (int i = count; i < m_tags.size(); ++i) {
        m_order.append(i); // appended while a worker sorted
    }
    ++m_orderEpoch;
    // The rows shown are the same set, now in m_order's order.
    QList<int> visible;
    visible.reserve(m_visible.size());
    for (int i : std::as_const(m_order)) {
        if (m_rowOf[size_t(i)] >= 0) {
            visible.append(i);
        }
    }
    m_visible = visible;
    reindexVisible();
    QModelIndexList after;
    after.reserve(before.size());
    for (qsizetype k = 0; k < before.size(); ++k) {
        const int t = tagsBefore.at(k);
        after.append(t < 0 ? QModelIndex() : index(m_rowOf[size_t(t)], before.at(k).column()));
    }
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    emit sortApplied(nowMs() - m_sortStarted);
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
