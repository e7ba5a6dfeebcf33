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

    // At most this many pages (0, the default: all). Reaching the limit ends the listing successfully, with
    // stoppedAtPageLimit() true: a search walks a catalog of 100,000 names no further than it means to.
    void setMaxPages(int pages) { m_maxPages = pages; }
    bool stoppedAtPageLimit() const { return m_stoppedAtLimit; }

protected:
    std::optional<QUrl> firstPageUrl() override;
    std::optional<QUrl> nextPageUrl(const HttpResponse &response, const ListPage &page) const override;
    void pageParsed(const ListPage &page, const HttpResponse &response) override;
    QString listKey() const override { return QStringLiteral("repositories"); }
    QStringList scopes() const override { return {QStringLiteral("registry:catalog:*")}; }

private:
    int m_maxPages = 0;
    int m_pages = 0;
    mutable bool m_stoppedAtLimit = false;
};

} // namespace Minato::Client
