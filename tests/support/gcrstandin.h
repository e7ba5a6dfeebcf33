#pragma once

// GcrStandIn: a Google Container Registry (or Artifact Registry) front as the client's GCR queries use it,
// for tests. A stand-in because gcr.io and *-docker.pkg.dev cannot be reached from here (no internet);
// DESIGN.md allows one for exactly this. It answers the registry's own tag list with GCR's extra members, the
// shape `gcloud container images list-tags` reads (go-containerregistry pkg/v1/google.Tags):
//
//   GET /v2/<name>/tags/list[?n=&last=]
//       → 200 {"name": "<name>", "child": ["<segment>", …], "tags": [sorted],
//              "manifest": {"<digest>": {"imageSizeBytes": "<n>", "layerId": "", "mediaType": "…",
//                                        "tag": ["…"], "timeCreatedMs": "<ms>", "timeUploadedMs": "<ms>"}}}
//         numbers are JSON strings, as GCR writes them; "child" names the path segments one level below,
//         whether they are repositories or only prefixes; a prefix answers with no tags and no manifests.
//       → 404 NAME_UNKNOWN for a name that is neither.
//   GET /v2/token?service=gcr.io&scope=repository:<name>:pull   (Bearer flow, bearergate.h)
//   Everything is answered at once unless Options::tagsPerPage is set: then pages of that many tags with
//   `Link: </v2/<name>/tags/list?n=N&last=T>; rel="next"` and only the page's manifest entries.
//   Private repositories need a user of Options::users (GCR's "oauth2accesstoken"/"_json_key" logins).
//
//   GcrStandIn gcr({});
//   gcr.addRepository(u"proj/app"_s, {image}, /*isPrivate=*/false);
//   REQUIRE(gcr.listen());

#include "bearergate.h"
#include "standinserver.h"

#include <QMap>
#include <QStringList>

namespace Minato::Test {

class GcrStandIn final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GcrStandIn)

public:
    struct Image
    {
        QString digest;
        qint64 size = 0; // imageSizeBytes
        QString mediaType;
        QStringList tags;
        qint64 createdMs = 0;  // timeCreatedMs; 0 as GCR answers when it does not know
        qint64 uploadedMs = 0; // timeUploadedMs
    };
    struct Options
    {
        QMap<QString, QString> users; // user → password
        int tagsPerPage = 0;          // 0: every tag at once (GCR)
    };

    explicit GcrStandIn(Options options, QObject *parent = nullptr);
    ~GcrStandIn() override;

    bool listen() { return m_server.listen(); }
    QUrl baseUrl() const { return m_server.baseUrl(); }
    const StandInServer &server() const { return m_server; }
    const BearerGate &gate() const { return m_gate; }

    void addRepository(const QString &name, QList<Image> images, bool isPrivate = false);

private:
    struct Repository
    {
        QList<Image> images;
        bool isPrivate = false;
    };

    StandInResponse handle(const StandInRequest &request);
    // A repository, or a prefix of one, that `account` may see.
    bool visible(const QString &name, const QString &account) const;

    Options m_options;
    StandInServer m_server;
    BearerGate m_gate;
    QMap<QString, Repository> m_repositories;
};

} // namespace Minato::Test
