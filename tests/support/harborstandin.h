#pragma once

// HarborStandIn: Harbor's REST API (/api/v2.0) as the client's vendor queries use it, for tests. A stand-in
// because no Harbor runs on this machine (it is a multi-container deployment, not a Debian package, and
// cannot be pulled without internet). Shapes follow Harbor's API v2.0 swagger (goharbor/harbor
// api/v2.0/swagger.yaml):
//
//   GET /api/v2.0/projects?page=&page_size=                              [Project{name, public …}]
//   GET /api/v2.0/projects/{project}/repositories?page=&page_size=       [Repository{name: "p/a/b" …}]
//   GET /api/v2.0/repositories?page=&page_size=                          every repository the caller may see
//   GET /api/v2.0/projects/{p}/repositories/{r}/artifacts?with_tag=&page=&page_size=
//                                                                        [Artifact{digest, size, push_time,
//                                                                          tags, extra_attrs, references …}]
//   DELETE /api/v2.0/projects/{p}/repositories/{r}/artifacts/{reference}/tags/{tag}   ("deleteTag")
//                                                                        200; 401 anonymous; 404 unknown
//   GET /api/v2.0/search?q=                                              ("Search for projects and repositories")
//        → {"project": [Project…], "repository": [SearchRepository{project_id, project_name, project_public,
//          repository_name ("p/a/b"), pull_count, artifact_count}]} — names containing q, of projects the
//          caller may see; not paged. q missing → 400.
//   Every list answers X-Total-Count and Link: <…?page=N&page_size=S>; rel="prev" / rel="next".
//   Of the registry API (/v2/), only what a tag delete meets, without auth: HEAD of a manifest (digest and type
//   from the artifacts), and DELETE by tag answered as Harbor's deleteManifest does ("v2 doesn't support delete
//   by tag": 400 UNSUPPORTED).
//   page_size above 100 → 400. repository_name is taken as Harbor's router does: the path is decoded once,
//   split on '/', and the segment decoded again — so "a%252Fb" names a/b and a single-encoded "a%2Fb"
//   reaches no route (404), as on a real Harbor.
//   Basic credentials: wrong ones → 401 {"errors":[{"code":"UNAUTHORIZED",…}]}; anonymous callers see
//   public projects only, and a private project's repositories answer 401.

#include "standinserver.h"

#include <QJsonArray>
#include <QMap>
#include <QStringList>

namespace Minato::Test {

class HarborStandIn final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HarborStandIn)

public:
    struct Reference
    {
        QString os;
        QString architecture;
        QString variant;
    };
    struct Artifact
    {
        QString digest;
        qint64 size = 0;
        QString pushTime; // "2024-03-01T10:00:00.000Z"
        QString manifestMediaType;
        QStringList tags;
        QString os;                  // extra_attrs (an image); empty for an index
        QString architecture;        // extra_attrs
        QString created;             // extra_attrs.created (the config's date)
        QList<Reference> references; // an index's children
    };
    struct Options
    {
        QMap<QString, QString> users; // user → password
    };

    explicit HarborStandIn(Options options, QObject *parent = nullptr);
    ~HarborStandIn() override;

    bool listen() { return m_server.listen(); }
    QUrl baseUrl() const { return m_server.baseUrl(); }
    const StandInServer &server() const { return m_server; }

    void addProject(const QString &name, bool isPublic);
    // name: "project/a/b"; the project must exist.
    void addRepository(const QString &name, QList<Artifact> artifacts);
    // pull_count of a repository (list and search answers); 0 unless set.
    void setPullCount(const QString &repository, qint64 pulls) { m_pulls.insert(repository, pulls); }
    // "project/app:tag" for each tag deleted through the tag API, in order.
    const QStringList &deletedTags() const { return m_deletedTags; }

private:
    StandInResponse handle(const StandInRequest &request);
    StandInResponse registry(const StandInRequest &request);
    StandInResponse deleteTag(const StandInRequest &request, const QString &user);
    StandInResponse search(const StandInRequest &request, const QString &user) const;
    const Artifact *findArtifact(const QString &repository, const QString &reference) const;
    StandInResponse page(const StandInRequest &request, const QJsonArray &all) const;
    bool visible(const QString &project, const QString &user) const;

    Options m_options;
    StandInServer m_server;
    QMap<QString, bool> m_projects; // name → public
    QMap<QString, QList<Artifact>> m_repositories;
    QMap<QString, qint64> m_pulls;
    QStringList m_deletedTags;
};

} // namespace Minato::Test
