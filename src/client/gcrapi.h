#pragma once

// Google Container Registry and Artifact Registry (ConnectionProfile::Kind::Gar): their registry answers the
// ordinary tag list with more than the distribution spec asks for. `GET /v2/<name>/tags/list` on gcr.io and
// *-docker.pkg.dev carries, beside "name" and "tags", a "manifest" object keyed by digest and a "child" array
// of the repository names one level below — the shape `gcloud container images list-tags` reads (and
// go-containerregistry's pkg/v1/google.Tags, whose ManifestInfo fields are strings on the wire):
//
//   {"name": "proj/app", "child": ["sub"], "tags": ["v1", "latest"],
//    "manifest": {"sha256:…": {"imageSizeBytes": "31337", "layerId": "", "mediaType": "…manifest.v2+json",
//                              "tag": ["v1", "latest"], "timeCreatedMs": "1690000000000",
//                              "timeUploadedMs": "1690000100000"}}}
//
// So one request (GCR answers every tag at once; a Link rel="next" is followed if a registry pages) gives the
// tag names and, per tag, digest, media type, size and date — no request per tag. Auth is the registry's own
// (Bearer token, scope repository:<name>:pull), through the RegistryClient's AuthSession like TagsQuery.
//
//   auto *tags = new GcrTagsQuery(client, u"proj/app"_s);        // VendorApi::tags() for Kind::Gar
//   tags->feed(provider);
//   auto *repos = new GcrRepositoriesQuery(client, u"proj"_s);   // the `child` tree below "proj"
//
// Where a registry leaves the extra members out, the tags still list (without metadata) and the repository
// walk lists the scope itself only.

#include "listquery.h"
#include "vendortagsquery.h"

#include <QHash>
#include <QJsonObject>

namespace Minato::Client {

// Tags with digest, media type, size and date from the `manifest` object of the tag list. TagMetadata per
// tag of each entry: digest = the key; mediaType; size = imageSizeBytes (a string of a number); created =
// timeCreatedMs (the image config's date), else timeUploadedMs when that is 0 or absent. No platforms: the
// answer has none (TagMetadataProvider's requests can add them when a person opens the tag).
class GcrTagsQuery final : public VendorTagsQuery
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GcrTagsQuery)

public:
    GcrTagsQuery(RegistryClient *client, QString repository, int pageSize = 100, QObject *parent = nullptr);
    ~GcrTagsQuery() override;

    // One TagMetadata per tag of a `manifest` entry; nullopt and *error (English) when the entry is malformed
    // (a key that is no digest, "tag" not an array of strings). Unreadable sizes and dates are just unknown.
    // Exposed for tests.
    static std::optional<QList<TagMetadata>> parseManifestEntry(const QString &digest, const QJsonValue &entry,
                                                                QString *error);

protected:
    std::optional<QUrl> firstPageUrl() override;
    QStringList scopes() const override;
    ListPageParser pageParser() const override;
};

// Repository names below a scope ("proj" on gcr.io, "proj/repo" on *-docker.pkg.dev), found by walking the
// `child` arrays: one tag-list request per node, breadth first. A node is listed when it has tags or
// manifests (a repository), and never when it is only a path prefix. For registries whose /v2/_catalog is
// refused to the account; VendorApi offers it for Kind::Gar when a scope is given. The scope is required:
// the walk has to start somewhere.
class GcrRepositoriesQuery final : public ListQuery
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GcrRepositoriesQuery)

public:
    GcrRepositoriesQuery(RegistryClient *client, QString scope, int pageSize = 100, QObject *parent = nullptr);
    ~GcrRepositoriesQuery() override;

protected:
    std::optional<QUrl> firstPageUrl() override;
    QString listKey() const override { return QStringLiteral("name"); }
    QStringList scopes() const override { return {}; }
    ListPageParser pageParser() const override;
    HttpRequest pageRequest(const QUrl &url) const override;
    std::optional<QUrl> nextPageUrl(const HttpResponse &response, const ListPage &page) const override;
    void pageParsed(const ListPage &page, const HttpResponse &response) override;

private:
    QUrl nodeUrl(const QString &name) const;

    QString m_scope;
    QHash<QString, QString> m_names; // node URL (encoded) → repository name, for its token scope
    QStringList m_queue;             // nodes still to visit, breadth first
    std::optional<QUrl> m_next;
};

} // namespace Minato::Client
