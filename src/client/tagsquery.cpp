#include "tagsquery.h"

#include "registryclient.h"

#include "oci/reference.h"

namespace Minato::Client {

TagsQuery::TagsQuery(RegistryClient *client, QString repository, int pageSize, QObject *parent)
    : ListQuery(client, pageSize, parent)
    , m_repository(std::move(repository))
{}

TagsQuery::~TagsQuery() = default;

std::optional<QUrl> TagsQuery::firstPageUrl()
{
    if (const auto name = Oci::Reference::parseRepositoryPath(m_repository); !name) {
        fail(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(m_repository, name.error().message())));
        return std::nullopt;
    }
    return client()->profile().urlFor(client()->profile().routes().tagsList(m_repository, pageSize()));
}

} // namespace Minato::Client
