#pragma once

// RepositoryModel: a registry's repositories as a tree grouped by namespace ("team-a/api" sits under
// "team-a"; "alpine" at the top), filled page by page as the catalog streams in and filtered in place.
//
//   model.append(page);                         // names in any order; duplicates ignored
//   model.setFilter(u"api"_s);                  // words, case-insensitive (filterindex.h); rebuilds the tree
//   model.totalCount(); model.visibleCount();   // "1,204 repositories", "12 of 1,204"
//   model.indexOf(u"team-a/api"_s);             // invalid when filtered out or unknown
//
// Groups come first, then top-level repositories, each sorted by name. A group's label carries its count.
// Row 0 of a group is its first child. Appending inserts rows in place (views keep selection and expansion);
// a filter change resets the model (typing on searches only the names shown). Repositories are flagged
// Qt::ItemNeverHasChildren, so QTreeView::expandAll() only expands the groups.

#include "filterindex.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QIcon>
#include <QStringList>

#include <memory>
#include <vector>

class QStyle;

namespace Minato::App {

class RepositoryModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RepositoryModel)

public:
    enum Role {
        RepositoryRole = Qt::UserRole + 1, // full path of a repository; empty for a group
        IsGroupRole,
        GroupRole, // a group's namespace
    };

    explicit RepositoryModel(QObject *parent = nullptr);
    ~RepositoryModel() override;

    void clear();
    void append(const QStringList &names);
    void setFilter(const QString &text);
    const QString &filterText() const { return m_filter.text(); }

    int totalCount() const { return int(m_all.size()); }
    int visibleCount() const { return m_visible; }
    bool contains(const QString &repository) const { return m_known.contains(repository); }
    QModelIndex indexOf(const QString &repository) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

signals:
    void countsChanged();

private:
    struct Node
    {
        QString label;    // group: the namespace; leaf: the repository
        bool group = false;
        int row = 0;      // position among the root rows
        QStringList children; // group: full repository names, sorted
    };

    static QString namespaceOf(const QString &repository);
    static bool lessThan(const Node &a, bool bGroup, const QString &bLabel);
    void insertVisible(const QString &repository);
    int rootInsertPosition(bool group, const QString &label) const;
    void insertRoot(std::unique_ptr<Node> node, int position);
    void rebuild(bool narrowing);
    Node *nodeFor(const QModelIndex &index) const;
    // The style's folder and file icons, made once per style: QStyle::standardIcon() decodes the images
    // again on every call, which made painting the tree cost ~20-40 ms a frame.
    const QIcon &icon(bool group) const;

    QStringList m_all;
    FoldedNames m_folded;
    QList<int> m_groupOf;     // per name: its namespace's id in m_namespaces, -1 at the top level
    QStringList m_namespaces; // by id
    QHash<QString, int> m_namespaceIds;
    QList<int> m_rows; // the names shown (indices into m_all, in arrival order)
    QHash<QString, int> m_known;
    FilterText m_filter;
    std::vector<std::unique_ptr<Node>> m_root;
    QHash<QString, Node *> m_groups;
    int m_visible = 0;
    mutable const QStyle *m_iconStyle = nullptr;
    mutable QIcon m_groupIcon;
    mutable QIcon m_repositoryIcon;
};

} // namespace Minato::App
