#pragma once

// Harbor's own REST API (/api/v2.0 on the registry's host), for what the registry API does not give there:
// Harbor's /v2/_catalog is for system administrators only, and a tag's size, date and platforms would
// cost requests per tag. Shapes from Harbor's API v2.0 swagger (goharbor/harbor api/v2.0/swagger.yaml):
//
//   GET /api/v2.0/projects?page=&page_size=                                  [{"name": …}, …]
//   GET /api/v2.0/projects/{project}/repositories?page=&page_size=           [{"name": "project/a/b"}, …]
//   GET /api/v2.0/repositories?page=&page_size=                              every repository the user may see
//   GET /api/v2.0/projects/{p}/repositories/{r}/artifacts?with_tag=true&page=&page_size=
//       [{"digest", "size", "push_time", "manifest_media_type", "tags": [{"name"}],
//         "extra_attrs": {"architecture", "os", "created"}, "references": [{"platform": {…}}]}, …]
//
// The swagger says of repository_name: "If it contains slash, encode it with URL encoding. e.g. a/b ->
// a%252Fb" — the name is percent-encoded twice in the path. Pages: the `Link` header's rel="next" and
// `X-Total-Count`; page_size is at most 100. Auth: Basic with the connection's credentials (the API accepts
// the same user name and password or CLI secret as the registry), asked from the RegistryClient's
// AuthSession; without credentials the queries go anonymous (public projects).
//
//   auto *projects = new HarborProjectsQuery(client);                  // a ListQuery: project names
//   auto *repos = new HarborRepositoriesQuery(client, u"library"_s);   // names as "library/app"
//   auto *tags = new HarborArtifactsQuery(client, u"library/team/app"_s);
//   tags->feed(provider);                                             // TagMetadata per tag, no request per tag
//   auto *found = new HarborSearchQuery(client, u"api"_s);            // GET /api/v2.0/search?q=

#include "listquery.h"
#include "vendortagsquery.h"

#include <QJsonObject>

#include <optional>
#include <variant>

namespace Minato::Client {

// Shared by the Harbor queries: the Basic header, page URLs and X-Total-Count paging.
class HarborPaging
{
public:
    static constexpr int MaxPageSize = 100;

    // The API URL on the registry's origin: path "/api/v2.0/projects" (already encoded) and page.
    static QUrl pageUrl(const RegistryClient *client, const QString &encodedPath, int page, int pageSize,
                        const QString &extraQuery = {});
    // The next page: when the Link header has rel="next", or X-Total-Count says more follow.
    static std::optional<QUrl> nextPage(const HttpResponse &response, int pageSize, const QString &encodedPath,
                                        const RegistryClient *client, const QString &extraQuery);
    // "a/b" → "a%252Fb" (the swagger's double encoding of repository_name).
    static QString encodeRepositoryName(const QString &name);
    // "project/a/b" → {"project", "a/b"}; nullopt when invalid or without a repository part.
    static std::optional<QPair<QString, QString>> splitRepository(const QString &repository);
};

class HarborListQuery : public ListQuery
{
    Q_OBJECT

public:
    ~HarborListQuery() override;
    Q_DISABLE_COPY_MOVE(HarborListQuery)

protected:
    HarborListQuery(RegistryClient *client, int pageSize, QObject *parent);

    // Looks up the credentials, then lists.
    void run() override;
    HttpRequest pageRequest(const QUrl &url) const override;
    std::optional<QUrl> nextPageUrl(const HttpResponse &response, const ListPage &page) const override;
    void handleResponse(const HttpResponse &response) override;
    QString listKey() const override { return QStringLiteral("name"); }
    QStringList scopes() const override { return {}; }

    // The path the pages are of (encoded), and query items beside page and page_size.
    virtual QString encodedPath() const = 0;
    virtual QString extraQuery() const { return {}; }
    std::optional<QUrl> firstPageUrl() override;

private:
    QByteArray m_authorization;
};

// Project names.
class HarborProjectsQuery final : public HarborListQuery
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HarborProjectsQuery)

public:
    explicit HarborProjectsQuery(RegistryClient *client, int pageSize = HarborPaging::MaxPageSize,
                                 QObject *parent = nullptr);
    ~HarborProjectsQuery() override;

protected:
    QString encodedPath() const override { return QStringLiteral("/api/v2.0/projects"); }
    ListPageParser pageParser() const override;
};

// Repository names ("project/app"), usable with the registry API; of one project, or (project empty) of
// every project the account can see.
class HarborRepositoriesQuery final : public HarborListQuery
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HarborRepositoriesQuery)

public:
    explicit HarborRepositoriesQuery(RegistryClient *client, QString project = {},
                                     int pageSize = HarborPaging::MaxPageSize, QObject *parent = nullptr);
    ~HarborRepositoriesQuery() override;

protected:
    std::optional<QUrl> firstPageUrl() override;
    QString encodedPath() const override;
    ListPageParser pageParser() const override;

private:
    QString m_project;
};

// Tags with digest, size, date and platforms, from the artifacts of a repository ("project/a/b").
// TagMetadata per tag of each artifact: digest; mediaType = manifest_media_type; size = Harbor's size;
// created = extra_attrs.created (the config's date), else push_time; platforms = extra_attrs
// os/architecture for an image, the references' platforms for an index (attestations left out).
class HarborArtifactsQuery final : public VendorTagsQuery
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HarborArtifactsQuery)

public:
    HarborArtifactsQuery(RegistryClient *client, QString repository, int pageSize = HarborPaging::MaxPageSize,
                         QObject *parent = nullptr);
    ~HarborArtifactsQuery() override;

    // One TagMetadata per tag of an artifact (none for an untagged one). Exposed for tests.
    static QList<TagMetadata> parseArtifact(const QJsonObject &artifact);

protected:
    void run() override;
    std::optional<QUrl> firstPageUrl() override;
    HttpRequest pageRequest(const QUrl &url) const override;
    std::optional<QUrl> nextPageUrl(const HttpResponse &response, const ListPage &page) const override;
    void handleResponse(const HttpResponse &response) override;
    ListPageParser pageParser() const override;

private:
    QString encodedPath() const;
    QByteArray m_authorization;
};

// --- Search: GET /api/v2.0/search?q= ("Search for projects and repositories": the projects and repositories
// public or visible to the signed-in user) → {"project": [Project…], "repository": [SearchRepository{project_id,
// project_name, project_public, repository_name, pull_count, artifact_count}]} (Harbor API v2.0 swagger, models
// Search and SearchRepository). Not paged: Harbor answers every match at once; the first maxHits are kept and
// `truncated` says more were there. repository_name is the full name ("library/nginx"); one without its
// project is prefixed with project_name. Basic with the connection's login, as the other Harbor queries.
struct HarborSearchHit
{
    QString repository; // "project/app", usable with the registry API
    QString project;
    bool projectPublic = false;
    std::optional<qint64> pulls;
    std::optional<int> artifacts;
};
struct HarborSearchPage
{
    QList<HarborSearchHit> hits;
    bool truncated = false;
};
using HarborSearchResult = Result<HarborSearchPage>;

class HarborSearchQuery final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HarborSearchQuery)

public:
    HarborSearchQuery(RegistryClient *client, QString text, int maxHits = 100, QObject *parent = nullptr);
    ~HarborSearchQuery() override;

    // The hits of a search answer; an error sentence (English) when the body is not Harbor's Search shape.
    static std::variant<HarborSearchPage, QString> parse(const QByteArray &body, int maxHits);

signals:
    void finished(const Minato::Client::HarborSearchResult &result);

protected:
    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    QString m_text;
    int m_maxHits;
    QByteArray m_authorization;
};

} // namespace Minato::Client
