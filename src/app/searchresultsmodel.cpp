#include "searchresultsmodel.h"

#include "format.h"

#include <QLocale>

namespace Minato::App {

using Client::RepositorySearchHit;

SearchResultsModel::SearchResultsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

SearchResultsModel::~SearchResultsModel() = default;

QString SearchResultsModel::key(const QString &connection, const QString &repository)
{
    return connection.toLower() + u'\n' + repository;
}

int SearchResultsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SearchResultsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString SearchResultsModel::sourceText(unsigned sources)
{
    QStringList parts;
    if (sources & RepositorySearchHit::DockerHubSearch) {
        parts.append(tr("Docker Hub search"));
    }
    if (sources & RepositorySearchHit::HarborSearch) {
        parts.append(tr("Harbor search"));
    }
    if (sources & RepositorySearchHit::Catalog) {
        parts.append(tr("catalog"));
    }
    if (sources & RepositorySearchHit::Pinned) {
        parts.append(tr("pinned"));
    }
    return parts.join(QStringLiteral(", "));
}

QVariant SearchResultsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= ColumnCount) {
        return {};
    }
    const RepositorySearchHit &h = m_rows.at(index.row());
    switch (role) {
    case ConnectionRole:
        return h.connection;
    case RepositoryRole:
        return h.repository;
    case Qt::TextAlignmentRole:
        if (index.column() == StarsColumn || index.column() == PullsColumn) {
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == DescriptionColumn && !h.description.isEmpty()) {
            return h.description;
        }
        if (index.column() == RepositoryColumn && h.official) {
            return tr("A Docker Official Image");
        }
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    const QLocale locale;
    switch (index.column()) {
    case RepositoryColumn:
        return h.repository;
    case ConnectionColumn:
        return h.connection;
    case DescriptionColumn:
        if (h.description.isEmpty() && h.artifacts) {
            return Format::plural(*h.artifacts, tr("1 artifact"), tr("%1 artifacts"));
        }
        return h.description;
    case StarsColumn:
        return h.stars ? locale.toString(*h.stars) : QString();
    case PullsColumn:
        return h.pulls ? locale.toString(*h.pulls) : QString();
    case SourceColumn:
        return sourceText(h.sources);
    default:
        return {};
    }
}

QVariant SearchResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case RepositoryColumn:
        return tr("Repository");
    case ConnectionColumn:
        return tr("Connection");
    case DescriptionColumn:
        return tr("Description");
    case StarsColumn:
        return tr("Stars");
    case PullsColumn:
        return tr("Pulls");
    case SourceColumn:
        return tr("Found by");
    default:
        return {};
    }
}

void SearchResultsModel::add(const QList<RepositorySearchHit> &hits)
{
    QList<RepositorySearchHit> fresh;
    for (const RepositorySearchHit &h : hits) {
        const QString k = key(h.connection, h.repository);
        if (const auto it = m_rowOf.constFind(k); it != m_rowOf.cend()) {
            // Found again: keep the row, take what the new hit knows.
            RepositorySearchHit &row = m_rows[*it];
            row.sources |= h.sources;
            if (!h.description.isEmpty()) {
                row.description = h.description;
            }
            if (h.stars) {
                row.stars = h.stars;
            }
            if (h.pulls) {
                row.pulls = h.pulls;
            }
            if (h.artifacts) {
                row.artifacts = h.artifacts;
            }
            row.official = row.official || h.official;
            emit dataChanged(index(*it, 0), index(*it, ColumnCount - 1));
            continue;
        }
        bool duplicate = false; // twice in this very batch
        for (RepositorySearchHit &f : fresh) {
            if (key(f.connection, f.repository) == k) {
                f.sources |= h.sources;
                duplicate = true;
            }
        }
        if (!duplicate) {
            fresh.append(h);
        }
    }
    if (fresh.isEmpty()) {
        return;
    }
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(fresh.size()) - 1);
    for (const RepositorySearchHit &h : std::as_const(fresh)) {
        m_rowOf.insert(key(h.connection, h.repository), int(m_rows.size()));
        m_rows.append(h);
    }
    endInsertRows();
}

void SearchResultsModel::clear()
{
    if (m_rows.isEmpty()) {
        return;
    }
    beginResetModel();
    m_rows.clear();
    m_rowOf.clear();
    endResetModel();
}

int SearchResultsModel::countFor(const QString &connection) const
{
    int n = 0;
    for (const RepositorySearchHit &h : m_rows) {
        if (h.connection.compare(connection, Qt::CaseInsensitive) == 0) {
            ++n;
        }
    }
    return n;
}

} // namespace Minato::App
