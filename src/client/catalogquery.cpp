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

} // namespace Minato::Client
