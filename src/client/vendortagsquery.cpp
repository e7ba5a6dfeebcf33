#include "vendortagsquery.h"

namespace Minato::Client {

VendorTagsQuery::VendorTagsQuery(RegistryClient *client, QString repository, int pageSize, QObject *parent)
    : ListQuery(client, pageSize, parent)
    , m_repository(std::move(repository))
{}

VendorTagsQuery::~VendorTagsQuery() = default;

void VendorTagsQuery::feed(TagMetadataProvider *provider) const
{
    connect(this, &VendorTagsQuery::metadataReady, provider, [provider](const QList<TagMetadata> &metadata) {
        for (const TagMetadata &m : metadata) {
            provider->supply(m);
        }
    });
}

void VendorTagsQuery::pageParsed(const ListPage &page, const HttpResponse &response)
{
    Q_UNUSED(response)
    if (const auto *metadata = std::any_cast<QList<TagMetadata>>(&page.extra); metadata && !metadata->isEmpty()) {
        emit metadataReady(*metadata);
    }
}

} // namespace Minato::Client
