#pragma once

// AcrStandIn: Azure Container Registry's data-plane API as the client's ACR query uses it, for tests. A
// stand-in because *.azurecr.io cannot be reached from here (no internet); DESIGN.md allows one for exactly
// this. Shapes follow the Azure Container Registry REST reference (learn.microsoft.com/rest/api/
// containerregistry, "Manifests - Get List"):
//
//   GET /acr/v1/<name>/_manifests?n=&last=&orderby=timedesc|timeasc
//       → 200 {"registry": "<host>", "imageName": "<name>", "manifests": [{"digest", "imageSize",
//              "createdTime", "lastUpdateTime", "mediaType", "configMediaType", "tags": [...],
//              "architecture", "os", "references": [{"digest", "architecture", "os"}],
//              "changeableAttributes": {…}}, …]}
//         paged by n (default 100) with `Link: </acr/v1/<name>/_manifests?last=<digest>&n=N&orderby=…>;
//         rel="next"`; needs a token with repository:<name>:metadata_read.
//   GET /v2/<name>/tags/list          the registry's own tag list; needs repository:<name>:pull
//   DELETE /acr/v1/<name>/_tags/<tag>  ("Tag - Delete") → 202, 404 TAG_UNKNOWN; needs repository:<name>:delete,
//                                      which only Options::deleters get. Other writes (a DELETE on /v2/) → 405
//                                      UNSUPPORTED.
//   GET /oauth2/token?service=<host>&scope=…   ACR's token endpoint, {"access_token": …} (bearergate.h)
//   Users of Options::users get pull and metadata_read on every repository; anonymous callers get pull only
//   with Options::anonymousPull (ACR's anonymous pull gives no metadata_read), else nothing. Refusals are
//   401 with ACR's error body and a Bearer challenge. `_tags` is not served: the client does not use it.

#include "bearergate.h"
#include "standinserver.h"

#include <QMap>
#include <QStringList>

namespace Minato::Test {

class AcrStandIn final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AcrStandIn)

public:
    struct Reference
    {
        QString digest;
        QString architecture;
        QString os;
    };
    struct Manifest
    {
        QString digest;
        qint64 imageSize = 0;
        QString createdTime;    // "2018-09-06T06:17:20.9983915Z"
        QString lastUpdateTime; // ordering key of orderby=timedesc
        QString mediaType;
        QStringList tags;
        QString architecture; // an image; empty for an index
        QString os;
        QList<Reference> references; // an index's children
    };
    struct Options
    {
        QMap<QString, QString> users; // user → password
        bool anonymousPull = false;
        QStringList deleters; // users also granted the "delete" action
    };

    explicit AcrStandIn(Options options, QObject *parent = nullptr);
    ~AcrStandIn() override;

    bool listen() { return m_server.listen(); }
    QUrl baseUrl() const { return m_server.baseUrl(); }
    const StandInServer &server() const { return m_server; }
    const BearerGate &gate() const { return m_gate; }

    void addRepository(const QString &name, const QList<Manifest> &manifests);

private:
    StandInResponse handle(const StandInRequest &request);
    StandInResponse manifests(const StandInRequest &request, const QString &name) const;
    StandInResponse refuse(const StandInRequest &request, const QString &name, const QString &action) const;

    Options m_options;
    StandInServer m_server;
    BearerGate m_gate;
    QMap<QString, QList<Manifest>> m_repositories;
};

} // namespace Minato::Test
