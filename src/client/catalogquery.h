#pragma once

// CatalogQuery: the repositories of a registry, page by page (GET /v2/_catalog?n=&last=, Link paging).
// See listquery.h for how pages arrive. Registries without a catalog (Docker Hub, GHCR, ECR) answer with
// an error here; CapabilitiesProbe tells in advance.
//
//   auto *q = client->catalog(100);
//   connect(q, &CatalogQuery::pageReady, model, &RepositoryModel::append);
//   connect(q, &CatalogQuery::finished, this, [q](const ListResult &r) { …; q->deleteLater(); });
//   q->start();

#include "listquery.h"

namespace Minato::Client {

class CatalogQuery final : public ListQuery
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CatalogQuery)

public:
    explicit CatalogQuery(RegistryClient *client, int pageSize = 100, QObject *parent = nullptr);
    ~CatalogQuery() override;

protected:
    std::optional<QUrl> firstPageUrl() override;
    QString listKey() const override { return QStringLiteral("repositories"); }
    QStringList scopes() const override { return {QStringLiteral("registry:catalog:*")}; }
};

} // namespace Minato::Client
