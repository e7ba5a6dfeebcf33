#pragma once

// TagTableModel: the tags of one repository as a table — tag, short digest, platforms, size, created —
// for 100,000 tags without stalls. Tags stream in page by page; metadata arrives per tag later
// (TagMetadataProvider); filtering runs on an index vector (filterindex.h), off the GUI thread for long
// lists; sorting orders an index vector once (tag names compare naturally: 1.9 < 1.10).
//
//   model.append(page);                                  // in the registry's order
//   model.setMetadata(metadata);                         // one row's details changed
//   model.setFilter(u"1.2"_s);                           // filterApplied() when the rows are in place
//   view->setModel(&model); view->setSortingEnabled(true);   // sort() by any column
//   model.tagAt(row); model.rowOf(u"v1"_s);
//
// Rows without a size or date sort after those with one, whatever the order.

#include "filterindex.h"

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

private:
    void applyFilterResult(const FilterText &filter, const QList<int> &rows);
    void reindexVisible();
    void sortOrder();
    bool sortLess(int a, int b) const;

    QStringList m_tags;
    QStringList m_folded;
    QHash<QString, int> m_index;
    QHash<int, Client::TagMetadata> m_meta;
    QList<int> m_order;   // every tag, in the current sort order (arrival order until sorted)
    QList<int> m_visible; // the rows shown: m_order filtered
    std::vector<int> m_rowOf; // tag index → visible row, -1 when hidden
    FilterText m_filter;
    FilterText m_pendingFilter;
    qint64 m_filterStarted = 0;
    int m_filterTagCount = 0; // tags the running filter was given
    AsyncFilter m_async;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    bool m_sortStale = false;
};

} // namespace Minato::App
