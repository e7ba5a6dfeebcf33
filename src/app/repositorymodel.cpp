#include "repositorymodel.h"

#include <QApplication>
#include <QIcon>
#include <QStyle>

#include <algorithm>
#include <numeric>

namespace Minato::App {

RepositoryModel::RepositoryModel(QObject *parent)
    : QAbstractItemModel(parent)
{}

RepositoryModel::~RepositoryModel() = default;

QString RepositoryModel::namespaceOf(const QString &repository)
{
    const qsizetype slash = repository.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : repository.left(slash);
}

bool RepositoryModel::lessThan(const Node &a, bool bGroup, const QString &bLabel)
{
    if (a.group != bGroup) {
        return a.group; // groups first
    }
    return a.label < bLabel;
}

void RepositoryModel::clear()
{
    beginResetModel();
    m_all.clear();
    m_folded.clear();
    m_groupOf.clear();
    m_namespaces.clear();
    m_namespaceIds.clear();
    m_rows.clear();
    m_known.clear();
    m_root.clear();
    m_groups.clear();
    m_visible = 0;
    endResetModel();
    emit countsChanged();
}

void RepositoryModel::append(const QStringList &names)
{
    bool changed = false;
    for (const QString &name : names) {
        if (name.isEmpty() || m_known.contains(name)) {
            continue;
        }
        const int i = int(m_all.size());
        m_known.insert(name, i);
        m_all.append(name);
        m_folded.append(name);
        const QString ns = namespaceOf(name);
        int group = -1;
        if (!ns.isEmpty()) {
            const auto it = m_namespaceIds.constFind(ns);
            if (it != m_namespaceIds.constEnd()) {
                group = *it;
            } else {
                group = int(m_namespaces.size());
                m_namespaceIds.insert(ns, group);
                m_namespaces.append(ns);
            }
        }
        m_groupOf.append(group);
        changed = true;
        if (m_filter.matches(m_folded.at(i))) {
            m_rows.append(i);
            insertVisible(name);
        }
    }
    if (changed) {
        emit countsChanged();
    }
}

int RepositoryModel::rootInsertPosition(bool group, const QString &label) const
{
    auto it = std::lower_bound(m_root.begin(), m_root.end(), 0, [&](const std::unique_ptr<Node> &n, int) {
        return lessThan(*n, group, label);
    });
    return int(it - m_root.begin());
}

void RepositoryModel::insertRoot(std::unique_ptr<Node> node, int position)
{
    beginInsertRows({}, position, position);
    m_root.insert(m_root.begin() + position, std::move(node));
    for (size_t i = size_t(position); i < m_root.size(); ++i) {
        m_root[i]->row = int(i);
    }
    endInsertRows();
}

void RepositoryModel::insertVisible(const QString &repository)
{
    ++m_visible;
    const QString ns = namespaceOf(repository);
    if (ns.isEmpty()) {
        auto node = std::make_unique<Node>();
        node->label = repository;
        insertRoot(std::move(node), rootInsertPosition(false, repository));
        return;
    }
    Node *group = m_groups.value(ns);
    if (!group) {
        auto node = std::make_unique<Node>();
        node->label = ns;
        node->group = true;
        node->children.append(repository);
        group = node.get();
        m_groups.insert(ns, group);
        insertRoot(std::move(node), rootInsertPosition(true, ns));
        return;
    }
    auto it = std::lower_bound(group->children.begin(), group->children.end(), repository);
    const int position = int(it - group->children.begin());
    const QModelIndex parent = createIndex(group->row, 0, nullptr);
    beginInsertRows(parent, position, position);
    group->children.insert(position, repository);
    endInsertRows();
    emit dataChanged(parent, parent, {Qt::DisplayRole}); // the count in the label
}

void RepositoryModel::setFilter(const QString &text)
{
    const FilterText filter(text);
    if (filter.text() == m_filter.text()) {
        return;
    }
    // Typing on narrows what is shown: only the names shown are searched.
    const bool narrowing = filter.narrows(m_filter);
    m_filter = filter;
    rebuild(narrowing);
}

void RepositoryModel::rebuild(bool narrowing)
{
    beginResetModel();
    m_root.clear();
    m_groups.clear();
    if (narrowing) {
        m_rows = m_filter.apply(m_folded, m_rows);
    } else {
        QList<int> order(m_all.size());
        std::iota(order.begin(), order.end(), 0);
        m_rows = m_filter.apply(m_folded, order);
    }
    m_visible = int(m_rows.size());
    // Groups by their id (no hashing per name: this runs on every keystroke over up to every name).
    std::vector<Node *> groups(size_t(m_namespaces.size()), nullptr);
    for (int i : std::as_const(m_rows)) {
        const QString &name = m_all.at(i);
        const int id = m_groupOf.at(i);
        if (id < 0) {
            auto node = std::make_unique<Node>();
            node->label = name;
            m_root.push_back(std::move(node));
            continue;
        }
        Node *&group = groups[size_t(id)];
        if (!group) {
            auto node = std::make_unique<Node>();
            node->label = m_namespaces.at(id);
            node->group = true;
            group = node.get();
            m_groups.insert(node->label, group);
            m_root.push_back(std::move(node));
        }
        group->children.append(name);
    }
    std::sort(m_root.begin(), m_root.end(), [](const std::unique_ptr<Node> &a, const std::unique_ptr<Node> &b) {
        return lessThan(*a, b->group, b->label);
    });
    for (size_t i = 0; i < m_root.size(); ++i) {
        m_root[i]->row = int(i);
        QStringList &children = m_root[i]->children;
        // Catalogs list names in order, so the children usually are already sorted: checking is O(n).
        if (!std::is_sorted(children.cbegin(), children.cend())) {
            std::sort(children.begin(), children.end());
        }
    }
    endResetModel();
    emit countsChanged();
}

QModelIndex RepositoryModel::indexOf(const QString &repository) const
{
    const QString ns = namespaceOf(repository);
    if (ns.isEmpty()) {
        const int position = rootInsertPosition(false, repository);
        if (position < int(m_root.size()) && !m_root[size_t(position)]->group
            && m_root[size_t(position)]->label == repository) {
            return createIndex(position, 0, nullptr);
        }
        return {};
    }
    Node *group = m_groups.value(ns);
    if (!group) {
        return {};
    }
    auto it = std::lower_bound(group->children.begin(), group->children.end(), repository);
    if (it == group->children.end() || *it != repository) {
        return {};
    }
    return createIndex(int(it - group->children.begin()), 0, group);
}

const QIcon &RepositoryModel::icon(bool group) const
{
    const QStyle *style = QApplication::style();
    if (style != m_iconStyle) {
        m_iconStyle = style;
        m_groupIcon = style->standardIcon(QStyle::SP_DirIcon);
        m_repositoryIcon = style->standardIcon(QStyle::SP_FileIcon);
    }
    return group ? m_groupIcon : m_repositoryIcon;
}

RepositoryModel::Node *RepositoryModel::nodeFor(const QModelIndex &index) const
{
    // Root rows carry no pointer; children carry their group.
    if (!index.isValid()) {
        return nullptr;
    }
    return static_cast<Node *>(index.internalPointer());
}

QModelIndex RepositoryModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column != 0 || row < 0) {
        return {};
    }
    if (!parent.isValid()) {
        return row < int(m_root.size()) ? createIndex(row, 0, nullptr) : QModelIndex();
    }
    if (nodeFor(parent)) {
        return {}; // leaves have no children
    }
    const size_t groupRow = size_t(parent.row());
    if (groupRow >= m_root.size() || !m_root[groupRow]->group || row >= m_root[groupRow]->children.size()) {
        return {};
    }
    return createIndex(row, 0, m_root[groupRow].get());
}

QModelIndex RepositoryModel::parent(const QModelIndex &child) const
{
    const Node *group = nodeFor(child);
    if (!group) {
        return {};
    }
    return createIndex(group->row, 0, nullptr);
}

int RepositoryModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid()) {
        return int(m_root.size());
    }
    if (parent.column() != 0 || nodeFor(parent)) {
        return 0;
    }
    const size_t row = size_t(parent.row());
    return row < m_root.size() ? int(m_root[row]->children.size()) : 0;
}

int RepositoryModel::columnCount(const QModelIndex &) const
{
    return 1;
}

Qt::ItemFlags RepositoryModel::flags(const QModelIndex &index) const
{
    if (!index.isValid()) {
        return Qt::NoItemFlags;
    }
    // Leaves say so: otherwise QTreeView::expandAll() "expands" every repository, keeping a persistent index
    // for each (10,000 of them), which every later insert and reset must update.
    const bool leaf = nodeFor(index) || !m_root[size_t(index.row())]->group;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | (leaf ? Qt::ItemNeverHasChildren : Qt::NoItemFlags);
}

QVariant RepositoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    const Node *group = nodeFor(index);
    if (group) {
        const QString &repository = group->children.at(index.row());
        switch (role) {
        case Qt::DisplayRole:
            return repository.mid(group->label.size() + 1);
        case Qt::ToolTipRole:
        case RepositoryRole:
            return repository;
        case IsGroupRole:
            return false;
        case GroupRole:
            return group->label;
        case Qt::DecorationRole:
            return icon(false);
        default:
            return {};
        }
    }
    const Node &node = *m_root[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return node.group ? QStringLiteral("%1 (%2)").arg(node.label).arg(node.children.size()) : node.label;
    case Qt::ToolTipRole:
        return node.label;
    case RepositoryRole:
        return node.group ? QString() : node.label;
    case IsGroupRole:
        return node.group;
    case GroupRole:
        return node.group ? node.label : QString();
    case Qt::DecorationRole:
        return icon(node.group);
    default:
        return {};
    }
}

} // namespace Minato::App
