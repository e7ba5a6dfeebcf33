#pragma once

// VendorApi: where a registry's own API can do what the registry API cannot — list repositories where
// `_catalog` is refused, list tags with sizes, dates and platforms without a request per tag. The app asks
// this helper and never names a vendor; for a generic registry it answers nullptr and the app uses
// CatalogQuery / TagsQuery with TagMetadataProvider's lazy requests.
//
//   VendorApi vendor(client);                          // kind from client->profile().kind
//   if (ListQuery *q = vendor.repositories(namespaceOrProject)) {   // Docker Hub: a namespace (empty: the
//       connect(q, &ListQuery::pageReady, …);                      // signed-in account's); Harbor: a
//       q->start();                                                 // project (empty: all visible ones)
//   } else {
//       client->catalog()->start();
//   }
//   if (VendorTagsQuery *t = vendor.tags(u"team/app"_s)) { t->feed(provider); t->start(); }
//
//   Kind         repositories()                    tags()
//   DockerHub    DockerHubRepositoriesQuery        DockerHubTagsQuery
//   Harbor       HarborRepositoriesQuery           HarborArtifactsQuery
//   Gar          GcrRepositoriesQuery (scope       GcrTagsQuery (gcrapi.h: the tag list's "manifest" object)
//                given; else nullptr)
//   Acr          nullptr (_catalog works)          AcrTagsQuery (acrapi.h: /acr/v1/<name>/_manifests)
//   others       nullptr                           nullptr

#include "connectionprofile.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

namespace Minato::Client {

class DockerHubApi;
class ListQuery;
class RegistryClient;
class VendorTagsQuery;

class VendorApi final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VendorApi)

public:
    explicit VendorApi(RegistryClient *client, QObject *parent = nullptr);
    ~VendorApi() override;

    ConnectionProfile::Kind kind() const { return m_kind; }
    static bool listsRepositories(ConnectionProfile::Kind kind);
    static bool listsTagMetadata(ConnectionProfile::Kind kind);

    // Docker Hub: the hub API object (base URL, sign-in, search, rate limit); nullptr for other kinds.
    DockerHubApi *dockerHub() const { return m_hub; }
    // Docker Hub's API base URL (default https://hub.docker.com; tests point it at a stand-in).
    void setDockerHubBaseUrl(const QUrl &url);

    // Factories: children of this object, not started; nullptr when the kind has no such API (Gar: when no
    // scope is given — the walk of `child` arrays needs a project to start from).
    ListQuery *repositories(const QString &scope = {}, int pageSize = 100);
    VendorTagsQuery *tags(const QString &repository, int pageSize = 100);

private:
    QPointer<RegistryClient> m_client;
    ConnectionProfile::Kind m_kind;
    DockerHubApi *m_hub = nullptr;
};

} // namespace Minato::Client
