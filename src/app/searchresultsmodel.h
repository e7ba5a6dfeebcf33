#pragma once

// SearchResultsModel: the hits of a search across connections (Ctrl+K), one row per connection and
// repository, in the order they arrived. A repository found again (pinned, then listed by the registry's own
// search) stays on its row, which gains what the later hit knows (stars, pulls, description) and its source.
// No network here: SearchDialog feeds it from RepositorySearch::hitsReady.
//
//   model->add(hits);                                   // QList<RepositorySearchHit>
//   model->index(row, 0).data(SearchResultsModel::ConnectionRole);   // RepositoryRole too
//   model->clear();                                     // a new search

#include "client/repositorysearch.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace Minato::App {

class SearchResultsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SearchResultsModel)

public:
    enum Column {
        RepositoryColumn,
        ConnectionColumn,
        DescriptionColumn,
        StarsColumn,
        PullsColumn,
        SourceColumn,
        ColumnCount
    };
    enum Role { ConnectionRole = Qt::UserRole + 1, RepositoryRole };

    explicit SearchResultsModel(QObject *parent = nullptr);
    ~SearchResultsModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void add(const QList<Minato::Client::RepositorySearchHit> &hits);
    void clear();
    const Client::RepositorySearchHit &hit(int row) const { return m_rows.at(row); }
    // Hits of one connection on the list.
    int countFor(const QString &connection) const;
    // "Docker Hub search, pinned": where a hit came from, in words.
    static QString sourceText(unsigned sources);

private:
    static QString key(const QString &connection, const QString &repository);

    QList<Client::RepositorySearchHit> m_rows;
    QHash<QString, int> m_rowOf; // key() → row
};

} // namespace Minato::App
