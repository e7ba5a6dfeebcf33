#include "catalogquery.h"

#include "registryclient.h"

namespace Minato::Client {

CatalogQuery::CatalogQuery(RegistryClient *client, int pageSize, QObject *parent)
    : ListQuery(client, pageSize, parent)
{}

CatalogQuery::~CatalogQuery() = default;

std::optional<QUrl> CatalogQuery::firstPageUrl()
{
    return client()->profile().urlFor(client()->profile().routes().catalog(pageSize()));
}

void CatalogQuery::pageParsed(const ListPage &page, const HttpResponse &response)
{
    ++m_pages;
    ListQuery::pageParsed(page, response);
}

std::optional<QUrl> CatalogQuery::nextPageUrl(const HttpResponse &response, const ListPage &page) const
{
    std::optional<QUrl> next = ListQuery::nextPageUrl(response, page);
    if (next && m_maxPages > 0 && m_pages >= m_maxPages) {
        m_stoppedAtLimit = true;
        return std::nullopt;
    }
    return next;
}

} // namespace Minato::Client
