#pragma once

// Azure Container Registry's data-plane API (/acr/v1 on the registry's host), for a repository's tags with
// sizes and dates without a request per tag. Shapes from the Azure Container Registry REST reference
// (learn.microsoft.com/rest/api/containerregistry, "Manifests - Get List" and "Tag - Get List"):
//
//   GET /acr/v1/{name}/_manifests?n=&orderby=timedesc[&last=]
//       {"registry", "imageName", "manifests": [{"digest", "imageSize", "createdTime", "lastUpdateTime",
//         "mediaType", "configMediaType", "tags": ["v1", …], "architecture", "os",
//         "references": [{"digest", "architecture", "os"}] (an index), "changeableAttributes": {…}}, …]}
//   GET /acr/v1/{name}/_tags?n=&orderby=timedesc[&last=]
//       {"registry", "imageName", "tags": [{"name", "digest", "createdTime", "lastUpdateTime", "signed",
//         "changeableAttributes": {…}}, …]}
//   Both page with `Link: </acr/v1/{name}/_manifests?last=…&n=…&orderby=…>; rel="next"`; {name} is the
//   repository path as is ("team/app", slashes not encoded).
//
// Only _manifests is used: each manifest names its tags, digest, size and date, so one request per page gives
// everything; _tags has no size and would need _manifests as well. The price: untagged manifests take room
// on a page (a page of them lists no tag and the listing goes on).
//
// Auth is the registry's own Bearer token flow (the /acr/v1 endpoints challenge exactly like /v2/), through
// the RegistryClient's AuthSession. The scope is repository:{name}:metadata_read — ACR's action for these
// listings; a pull-only token (an anonymous-pull registry, a pull-only scope map) is refused with 401, which
// then ends as NotFoundOrPrivate or AuthRequired like any refused token. /v2/_catalog works on ACR, so
// there is no repository listing here.
//
//   auto *tags = new AcrTagsQuery(client, u"team/app"_s);     // VendorApi::tags() for Kind::Acr
//   tags->feed(provider);

#include "vendortagsquery.h"

#include <QJsonObject>

namespace Minato::Client {

// Tags with digest, media type, size, date and platforms from the manifests of a repository, newest first.
// TagMetadata per tag of each manifest: digest; mediaType; size = imageSize; created = createdTime (when
// the manifest was pushed; ACR gives no config date), else lastUpdateTime; platforms = os/architecture of an
// image, the references' of an index.
class AcrTagsQuery final : public VendorTagsQuery
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AcrTagsQuery)

public:
    AcrTagsQuery(RegistryClient *client, QString repository, int pageSize = 100, QObject *parent = nullptr);
    ~AcrTagsQuery() override;

    // One TagMetadata per tag of a manifests[] entry (none for an untagged one); nullopt and *error (English)
    // when the entry is malformed (no digest, "tags" not an array of strings). Exposed for tests.
    static std::optional<QList<TagMetadata>> parseManifest(const QJsonValue &manifest, QString *error);

protected:
    std::optional<QUrl> firstPageUrl() override;
    QStringList scopes() const override;
    ListPageParser pageParser() const override;
};

} // namespace Minato::Client
