#pragma once

// Routes: the /v2/ API of the OCI distribution-spec v1.1 ("Endpoints" table, end-1 … end-13) plus
// distribution's GET /v2/_catalog, declared once for the server's router and the client's URL builder.
//
// Server:
//   const Routes routes;                                           // or Routes(u"/prefix")
//   RouteMatch m = routes.match(u"GET", u"/v2/team/app/manifests/v1", u"");
//   switch (m.outcome) {
//   case RouteMatch::Outcome::Matched:          dispatch(m.endpoint, m.name, m.tag or m.digest …); break;
//   case RouteMatch::Outcome::MethodNotAllowed: reply 405 with "Allow: " + m.allowHeader(); break;
//   case RouteMatch::Outcome::NotFound:         reply 404; break;
//   default:                                    reply 400 with m.error.message(); // NAME_INVALID …
//   }
//
// Client:
//   Routes routes(u"/artifactory/api/docker/local");              // a registry served below a prefix
//   routes.path(Endpoint::GetManifest, u"team/app", u"v1")  → ".../local/v2/team/app/manifests/v1"
//   routes.tagsList(u"team/app", 100, u"v9")                → ".../local/v2/team/app/tags/list?n=100&last=v9"
//
// A repository name contains '/', so a path is matched from the right: the last one to three segments
// name the route ("manifests/<reference>", "blobs/<digest>", "blobs/uploads/", "blobs/uploads/<id>",
// "tags/list", "referrers/<digest>") and everything before them is the name. A repository may itself be
// called "a/blobs/b" or "manifests": "/v2/manifests/manifests/v1" is the manifest "v1" of "manifests".
//
// Matching decodes each path segment on its own (RFC 3986 §2.1), so "%2F" never becomes a separator and
// "manifest%73" is the keyword "manifests". HEAD matches wherever GET does (RFC 9110 §9.3.2; the spec lists
// it for end-2 and end-3) and sets RouteMatch::head. Method names are case-sensitive (RFC 9110 §9.1).
// Built strings are request targets, already percent-encoded: append them to "scheme://host".
// The builders check what they are given with the same rules match() applies (the name with
// Reference::parseRepositoryPath, a manifest reference as a tag or digest, a digest with Digest::parse, an
// upload id with the characters upload ids have) and return an EMPTY string when something is invalid, so a
// caller never sends "/v2/a/../b/manifests/v1" or "/v2//manifests/v1": treat an empty result as an error.
//
// The method, path shape and spec id of every endpoint live in one table in routes.cpp.

#include "digest.h"
#include "expected.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace Minato::Oci {

// One value per endpoint and method of the spec's table; the comment gives the spec's ID.
enum class Endpoint {
    Base,             // end-1   GET    /v2/
    Catalog,          //         GET    /v2/_catalog?n=&last=  (distribution's API, not in the OCI spec)
    GetBlob,          // end-2   GET    /v2/<name>/blobs/<digest>            (and HEAD)
    DeleteBlob,       // end-10  DELETE /v2/<name>/blobs/<digest>
    GetManifest,      // end-3   GET    /v2/<name>/manifests/<reference>     (and HEAD)
    PutManifest,      // end-7   PUT    /v2/<name>/manifests/<reference>
    DeleteManifest,   // end-9   DELETE /v2/<name>/manifests/<reference>
    StartUpload,      // end-4a  POST   /v2/<name>/blobs/uploads/
    MonolithicUpload, // end-4b  POST   /v2/<name>/blobs/uploads/?digest=<digest>
    MountBlob,        // end-11  POST   /v2/<name>/blobs/uploads/?mount=<digest>&from=<other name>
                      //         (an invalid mount or from reads as end-4a/4b: see Routes::match)
    PatchUpload,      // end-5   PATCH  /v2/<name>/blobs/uploads/<id>
    CompleteUpload,   // end-6   PUT    /v2/<name>/blobs/uploads/<id>?digest=<digest>
    GetUpload,        // end-13  GET    /v2/<name>/blobs/uploads/<id>
    CancelUpload,     // end-14 of later spec drafts, distribution's API: DELETE /v2/<name>/blobs/uploads/<id>
    ListTags,         // end-8a/8b GET  /v2/<name>/tags/list?n=&last=
    ListReferrers,    // end-12a/12b GET /v2/<name>/referrers/<digest>?artifactType=
};

// The result of Routes::match(). Fields not used by the endpoint stay empty.
struct RouteMatch
{
    enum class Outcome {
        Matched,
        NotFound,          // no route has this path: 404
        MethodNotAllowed,  // the path is a route, the method is not one of its: 405, Allow: allowHeader()
        BadRequest,        // malformed path or query (bad percent escape, non-ASCII): 400
        NameInvalid,       // repository name breaks the grammar: 400 NAME_INVALID
        TagInvalid,        // manifest reference is neither a tag nor a digest: 400 TAG_INVALID
        DigestInvalid,     // digest in the path or the query is malformed, unsupported or missing: 400
        UploadInvalid,     // upload id has characters no upload id has: 404 BLOB_UPLOAD_UNKNOWN
        PaginationInvalid, // "n" is not a non-negative integer: 400 PAGINATION_NUMBER_INVALID
    };

    Outcome outcome = Outcome::NotFound;
    // The endpoint recognised; also set for the *Invalid outcomes, where the route was found.
    Endpoint endpoint = Endpoint::Base;
    bool head = false; // the request was HEAD (endpoint is the GET one)

    QString name;         // decoded repository name, "team/app"
    QString reference;    // manifests: the tag or digest as written
    QString tag;          // manifests: when the reference is a tag
    Digest digest;        // blobs, referrers, manifests by digest, ?digest= (end-4b/6), ?mount= (end-11)
    QString uploadId;     // end-5, end-6, end-13, cancel
    QString from;         // end-11: the repository to mount from; may be empty (spec: optional)
    std::optional<int> n; // end-8b, catalog: page size (clamped to INT_MAX)
    QString last;         // end-8b, catalog
    QString artifactType; // end-12b

    QStringList allowedMethods; // the route's methods (for MethodNotAllowed, and for OPTIONS if wanted)
    ParseError error;           // why, for every outcome except Matched

    bool matched() const { return outcome == Outcome::Matched; }
    QString allowHeader() const { return allowedMethods.join(QStringLiteral(", ")); }
};

class Routes
{
public:
    // basePath: a prefix before "/v2/" (Artifactory: "/artifactory/api/docker/<repo>"). Leading '/' is
    // added and trailing '/' removed; it is used as already percent-encoded.
    explicit Routes(QStringView basePath = {});

    const QString &basePath() const { return m_basePath; }

    // Server side. path is the request path as sent (percent-encoded), query the text after '?' (without
    // it). Never fails hard: every input gives an Outcome.
    // A POST to ".../blobs/uploads/" whose "mount" is not a valid digest or whose "from" is not a valid
    // name is not refused: distribution-spec "Mounting a blob from another repository" says a registry
    // that cannot mount SHOULD open an upload session (202) instead, so it matches StartUpload (or
    // MonolithicUpload with a valid ?digest=) with from and digest empty.
    RouteMatch match(QStringView method, QStringView path, QStringView query = {}) const;
    // Same, with a request target "path?query" in origin-form, or in absolute-form
    // ("http://host:port/v2/…?…", RFC 9112 §3.2.2), whose scheme and authority are dropped.
    RouteMatch matchTarget(QStringView method, QStringView target) const;

    // Client side. reference is the tag or digest (manifests), digest (blobs, referrers) or upload id;
    // it is ignored by endpoints without one. Upload-start endpoints give ".../blobs/uploads/" without query.
    // Every builder returns an empty string when the name, reference, digest, upload id or `from` is not
    // valid (see the header comment); Base and Catalog need no name.
    QString path(Endpoint endpoint, QStringView name = {}, QStringView reference = {}) const;
    QString tagsList(QStringView name, std::optional<int> n = std::nullopt, QStringView last = {}) const;
    QString catalog(std::optional<int> n = std::nullopt, QStringView last = {}) const;
    QString referrers(QStringView name, const Digest &subject, QStringView artifactType = {}) const;
    QString monolithicUpload(QStringView name, const Digest &digest) const;        // end-4b
    QString mount(QStringView name, const Digest &digest, QStringView from) const; // end-11; from may be empty
    QString completeUpload(QStringView name, QStringView uploadId, const Digest &digest) const; // end-6

    // end-6 on a Location the registry returned (absolute or relative, perhaps with its own query, which
    // the spec says to keep): appends "digest=…" with '?' or '&'.
    static QString withDigest(QStringView location, const Digest &digest);
    // "a/b" → "a/b" with each segment percent-encoded; empty when name is not a valid repository path.
    // A value → percent-encoded for a query.
    static QString encodeName(QStringView name);
    static QString encodeQueryValue(QStringView value);

    static QString method(Endpoint endpoint); // "GET", "PUT", …
    static QString specId(Endpoint endpoint); // "end-3"; "catalog" for the catalog

private:
    QString m_basePath;
};

} // namespace Minato::Oci
