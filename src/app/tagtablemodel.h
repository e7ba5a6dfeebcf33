#pragma once

// TagTableModel: the tags of one repository as a table — tag, short digest, platforms, size, created —
// for 100,000 tags without stalls. Tags stream in page by page; metadata arrives per tag later
// (TagMetadataProvider); filtering runs on an index vector (filterindex.h), off the GUI thread for long
// lists; sorting orders an index vector (tag names compare naturally: 1.9 < 1.10), off the GUI thread for
// long lists too. The rows shown always follow the sorted order of all tags: a filter result is a
// subsequence of it, so it is never sorted again (sorting 100,000 rows costs ~50-100 ms of GUI thread).
//
//   model.append(page);                                  // in the registry's order, added at the end
//   model.finishLoading();                               // the chosen sort is applied to all rows
//   model.setMetadata(metadata);                         // one row's details changed
//   model.setFilter(u"1.2"_s);                           // filterApplied() when the rows are in place
//   view->setModel(&model); view->setSortingEnabled(true);   // sort() by any column; sortApplied() after
//   model.tagAt(row); model.rowOf(u"v1"_s);
//
// Rows without a size or date sort after those with one, whatever the order. While tags stream in, new rows
// go to the end (in the registry's order) until finishLoading().

#include "filterindex.h"

#include "client/hashedname.h"
#include "client/tagmetadataprovider.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QStringList>

#include <vector>

namespace Minato::App {

class TagTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TagTableModel)

public:
    enum Column { TagColumn, DigestColumn, PlatformsColumn, SizeColumn, CreatedColumn, ColumnCount };
    enum Role {
        TagRole = Qt::UserRole + 1, // the tag's name
        DigestRole,                 // full digest string, empty when unknown
        StateRole,                  // int(TagMetadata::State), -1 when nothing was asked yet
    };

    explicit TagTableModel(QObject *parent = nullptr);
    ~TagTableModel() override;

    void clear();
    void append(const QStringList &tags);
    // Call when the listing ended: a sort chosen while rows streamed in is applied to all of them.
    void finishLoading();
    void setMetadata(const Client::TagMetadata &metadata);
    const Client::TagMetadata *metadata(const QString &tag) const;

    void setFilter(const QString &text);
    const QString &filterText() const { return m_filter.text(); }
    bool isFiltering() const { return m_async.isRunning(); }
    // A sort of a long list is running on a worker thread (sortApplied() follows).
    bool isSorting() const { return m_sorting; }

    int totalCount() const { return int(m_tags.size()); }
    int visibleCount() const { return int(m_visible.size()); }
    QString tagAt(int row) const;
    int rowOf(const QString &tag) const; // -1 when unknown or filtered out
    const QStringList &allTags() const { return m_tags; }

    // "Natural" order: digit runs compare by value ("v1.9" < "v1.10"), then case-insensitively.
    static int naturalCompare(const QString &a, const QString &b);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

signals:
    void countsChanged();
    // A filter's rows are in the model (ms: from setFilter() to now).
    void filterApplied(const QString &text, qint64 ms);
    // A sort's order is in the model (ms: from sort() to now).
    void sortApplied(qint64 ms);

private:
    void applyFilterResult(const FilterText &filter, const QList<int> &rows);
    // Puts `sorted` (a sorted copy of the first `count` tags' order) in place, with the rows shown in it.
    void applySortedOrder(const QList<int> &sorted, int count);
    void reindexVisible();

    QStringList m_tags;
    FoldedNames m_folded;
    // tag → index, keyed by names that carry their hash (client/hashedname.h): a QHash<QString, int> hashes
    // every tag again as it grows past 65,536 (20-50 ms on the GUI thread), a std::unordered_map frees
    // 100,000 nodes one by one when cleared.
    QHash<Client::HashedName, int> m_index;
    QHash<int, Client::TagMetadata> m_meta;
    QList<int> m_order;   // every tag, in the current sort order (arrival order until sorted)
    QList<int> m_visible; // the rows shown: m_order filtered
    std::vector<int> m_rowOf; // tag index → visible row, -1 when hidden
    FilterText m_filter;
    FilterText m_pendingFilter;
    qint64 m_filterStarted = 0;
    int m_filterTagCount = 0; // tags the running filter was given
    quint64 m_filterOrderEpoch = 0; // m_orderEpoch when the running filter was given its rows
    AsyncFilter m_async;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    bool m_sortStale = false; // tags were appended after the last sort
    bool m_sorting = false;
    quint64 m_sortGeneration = 0;
    quint64 m_orderEpoch = 0; // bumped whenever m_order is reordered
    qint64 m_sortStarted = 0;
};

} // namespace Minato::App
