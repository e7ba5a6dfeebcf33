#pragma once

// TagsQuery: the tags of one repository, page by page (GET /v2/<name>/tags/list?n=&last=, Link paging).
// Copes with registries that ignore n and last (the reference registry returns every tag at once): the
// list is still handed over in pageSize chunks (listquery.h).
//
//   auto *q = client->tags(QStringLiteral("team/app"));
//   connect(q, &TagsQuery::pageReady, model, &TagModel::append);
//   connect(q, &TagsQuery::finished, this, [q](const ListResult &r) { …; q->deleteLater(); });
//   q->start();                               // NotFound for a repository that does not exist

#include "listquery.h"

namespace Minato::Client {

class TagsQuery final : public ListQuery
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TagsQuery)

public:
    TagsQuery(RegistryClient *client, QString repository, int pageSize = 100, QObject *parent = nullptr);
    ~TagsQuery() override;
    const QString &repository() const { return m_repository; }

protected:
    std::optional<QUrl> firstPageUrl() override;
    QString listKey() const override { return QStringLiteral("tags"); }
    QStringList scopes() const override { return {QStringLiteral("repository:%1:pull").arg(m_repository)}; }

private:
    QString m_repository;
};

} // namespace Minato::Client
