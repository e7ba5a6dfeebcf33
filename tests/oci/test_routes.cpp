#include "oci/routes.h"

#include "testsupport.h"

#include <climits>

using Minato::Oci::Digest;
using Minato::Oci::Endpoint;
using Minato::Oci::RouteMatch;
using Minato::Oci::Routes;
using Outcome = Minato::Oci::RouteMatch::Outcome;

namespace {

const QString kHex = QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
const QString kDigestText = QStringLiteral("sha256:") + kHex;
const Digest kDigest = Digest::parse(kDigestText).value();
const QString kOtherText = QStringLiteral("sha512:") + QString(128, u'a');
const Digest kOther = Digest::parse(kOtherText).value();

const char *outcomeName(Outcome o)
{
    switch (o) {
    case Outcome::Matched:
        return "Matched";
    case Outcome::NotFound:
        return "NotFound";
    case Outcome::MethodNotAllowed:
        return "MethodNotAllowed";
    case Outcome::BadRequest:
        return "BadRequest";
    case Outcome::NameInvalid:
        return "NameInvalid";
    case Outcome::TagInvalid:
        return "TagInvalid";
    case Outcome::DigestInvalid:
        return "DigestInvalid";
    case Outcome::UploadInvalid:
        return "UploadInvalid";
    case Outcome::PaginationInvalid:
        return "PaginationInvalid";
    }
    return "?";
}

} // namespace

namespace Catch {
template<>
struct StringMaker<Outcome>
{
    static std::string convert(Outcome value) { return outcomeName(value); }
};
template<>
struct StringMaker<Endpoint>
{
    static std::string convert(Endpoint value) { return Routes::specId(value).toStdString(); }
};
} // namespace Catch

TEST_CASE("Routes builds and matches every endpoint (round trip)", "[routes]")
{
    struct Case
    {
        Endpoint endpoint;
        QString target; // what the builder gives without a prefix
        QString method;
        QString name;
        QString tag;
        Digest digest;
        QString uploadId;
    };
    const Routes plain;
    const QString name = QStringLiteral("team/sub/app");
    const Case cases[] = {
        {Endpoint::Base, plain.path(Endpoint::Base), QStringLiteral("GET"), {}, {}, {}, {}},
        {Endpoint::Catalog, plain.catalog(), QStringLiteral("GET"), {}, {}, {}, {}},
        {Endpoint::GetBlob,
         plain.path(Endpoint::GetBlob, name, kDigestText),
         QStringLiteral("GET"),
         name,
         {},
         kDigest,
         {}},
        {Endpoint::DeleteBlob,
         plain.path(Endpoint::DeleteBlob, name, kOtherText),
         QStringLiteral("DELETE"),
         name,
         {},
         kOther,
         {}},
        {Endpoint::GetManifest,
         plain.path(Endpoint::GetManifest, name, u"v1.2_rc-3"),
         QStringLiteral("GET"),
         name,
         QStringLiteral("v1.2_rc-3"),
         {},
         {}},
        {Endpoint::GetManifest,
         plain.path(Endpoint::GetManifest, name, kDigestText),
         QStringLiteral("GET"),
         name,
         {},
         kDigest,
         {}},
        {Endpoint::PutManifest,
         plain.path(Endpoint::PutManifest, name, u"latest"),
         QStringLiteral("PUT"),
         name,
         QStringLiteral("latest"),
         {},
         {}},
        {Endpoint::DeleteManifest,
         plain.path(Endpoint::DeleteManifest, name, kDigestText),
         QStringLiteral("DELETE"),
         name,
         {},
         kDigest,
         {}},
        {Endpoint::StartUpload, plain.path(Endpoint::StartUpload, name), QStringLiteral("POST"), name, {}, {}, {}},
        {Endpoint::MonolithicUpload,
         plain.monolithicUpload(name, kDigest),
         QStringLiteral("POST"),
         name,
         {},
         kDigest,
         {}},
        {Endpoint::MountBlob,
         plain.mount(name, kDigest, u"library/busybox"),
         QStringLiteral("POST"),
         name,
         {},
         kDigest,
         {}},
        {Endpoint::PatchUpload,
         plain.path(Endpoint::PatchUpload, name, u"0f9a-UU_id.="),
         QStringLiteral("PATCH"),
         name,
         {},
         {},
         QStringLiteral("0f9a-UU_id.=")},
        {Endpoint::CompleteUpload,
         plain.completeUpload(name, u"abc", kDigest),
         QStringLiteral("PUT"),
         name,
         {},
         kDigest,
         QStringLiteral("abc")},
        {Endpoint::GetUpload,
         plain.path(Endpoint::GetUpload, name, u"abc"),
         QStringLiteral("GET"),
         name,
         {},
         {},
         QStringLiteral("abc")},
        {Endpoint::CancelUpload,
         plain.path(Endpoint::CancelUpload, name, u"abc"),
         QStringLiteral("DELETE"),
         name,
         {},
         {},
         QStringLiteral("abc")},
        {Endpoint::ListTags, plain.tagsList(name), QStringLiteral("GET"), name, {}, {}, {}},
        {Endpoint::ListReferrers, plain.referrers(name, kDigest), QStringLiteral("GET"), name, {}, kDigest, {}},
    };
    for (const QString &prefix : {QString(), QStringLiteral("/artifactory/api/docker/local")}) {
        const Routes routes(prefix);
        for (const Case &c : cases) {
            INFO("prefix: " << prefix.toStdString() << " target: " << c.target.toStdString());
            CHECK(Routes::method(c.endpoint) == c.method);
            const RouteMatch m = routes.matchTarget(c.method, prefix + c.target);
            REQUIRE(m.outcome == Outcome::Matched);
            CHECK(m.matched());
            CHECK(m.endpoint == c.endpoint);
            CHECK_FALSE(m.head);
            CHECK(m.name == c.name);
            CHECK(m.tag == c.tag);
            CHECK(m.digest == c.digest);
            CHECK(m.uploadId == c.uploadId);
            CHECK(m.allowedMethods.contains(c.method));
            CHECK(m.error == Minato::Oci::ParseError{});
        }
    }
    // The prefixed builder puts the prefix in front of /v2/.
    const Routes artifactory(u"/artifactory/api/docker/local");
    CHECK(artifactory.path(Endpoint::GetManifest, name, u"v1") ==
          QStringLiteral("/artifactory/api/docker/local/v2/team/sub/app/manifests/v1"));
    CHECK(artifactory.catalog(10) == QStringLiteral("/artifactory/api/docker/local/v2/_catalog?n=10"));
}

TEST_CASE("Routes builders write the spec's paths and encode queries", "[routes]")
{
    const Routes r;
    CHECK(r.path(Endpoint::Base) == QStringLiteral("/v2/"));
    CHECK(r.path(Endpoint::Catalog) == QStringLiteral("/v2/_catalog"));
    CHECK(r.path(Endpoint::GetBlob, u"a/b", kDigestText) == QStringLiteral("/v2/a/b/blobs/") + kDigestText);
    CHECK(r.path(Endpoint::GetManifest, u"a/b", u"v1") == QStringLiteral("/v2/a/b/manifests/v1"));
    CHECK(r.path(Endpoint::StartUpload, u"a/b") == QStringLiteral("/v2/a/b/blobs/uploads/"));
    CHECK(r.path(Endpoint::GetUpload, u"a/b", u"u-1") == QStringLiteral("/v2/a/b/blobs/uploads/u-1"));
    CHECK(r.path(Endpoint::ListTags, u"a/b") == QStringLiteral("/v2/a/b/tags/list"));
    CHECK(r.path(Endpoint::ListReferrers, u"a/b", kDigestText) == QStringLiteral("/v2/a/b/referrers/") + kDigestText);

    // end-8b: n then last, as the spec writes them; n=0 is a real request ("return an empty list").
    CHECK(r.tagsList(u"a/b", 100, u"v9") == QStringLiteral("/v2/a/b/tags/list?n=100&last=v9"));
    CHECK(r.tagsList(u"a/b", 0) == QStringLiteral("/v2/a/b/tags/list?n=0"));
    CHECK(r.tagsList(u"a/b", std::nullopt, u"v9") == QStringLiteral("/v2/a/b/tags/list?last=v9"));
    CHECK(r.tagsList(u"a/b", -1) == QStringLiteral("/v2/a/b/tags/list"));
    CHECK(r.catalog(50, u"team/app") == QStringLiteral("/v2/_catalog?n=50&last=team%2Fapp"));
    // end-12b: '+' and '/' of a media type are escaped so no server reads '+' as a space.
    CHECK(r.referrers(u"a", kDigest, u"application/vnd.example+json") ==
          QStringLiteral("/v2/a/referrers/") + kDigestText +
              QStringLiteral("?artifactType=application%2Fvnd.example%2Bjson"));
    CHECK(r.monolithicUpload(u"a", kDigest) == QStringLiteral("/v2/a/blobs/uploads/?digest=sha256%3A") + kHex);
    CHECK(r.mount(u"a", kDigest, u"library/busybox") ==
          QStringLiteral("/v2/a/blobs/uploads/?mount=sha256%3A") + kHex + QStringLiteral("&from=library%2Fbusybox"));
    CHECK(r.mount(u"a", kDigest, {}) == QStringLiteral("/v2/a/blobs/uploads/?mount=sha256%3A") + kHex);
    CHECK(r.completeUpload(u"a", u"u1", kDigest) == QStringLiteral("/v2/a/blobs/uploads/u1?digest=sha256%3A") + kHex);

    // end-6 on a registry's Location: its own query is kept (spec: "MAY contain critical query parameters").
    CHECK(Routes::withDigest(u"/v2/a/blobs/uploads/u1", kDigest) ==
          QStringLiteral("/v2/a/blobs/uploads/u1?digest=sha256%3A") + kHex);
    CHECK(Routes::withDigest(u"https://r.example/v2/a/blobs/uploads/u1?_state=x%3D", kDigest) ==
          QStringLiteral("https://r.example/v2/a/blobs/uploads/u1?_state=x%3D&digest=sha256%3A") + kHex);
    CHECK(Routes::withDigest(u"/up?", kDigest) == QStringLiteral("/up?digest=sha256%3A") + kHex);
    CHECK(Routes::withDigest(u"/up?a=1&", kDigest) == QStringLiteral("/up?a=1&digest=sha256%3A") + kHex);
    CHECK(Routes::withDigest(u"/up#f", kDigest) ==
          QStringLiteral("/up?digest=sha256%3A") + kHex + QStringLiteral("#f"));

    // A name or reference the grammar refuses gives no target at all (an empty string), never a path that
    // means something else on the server.
    CHECK(r.path(Endpoint::GetManifest, u"a b/c?d", u"t#1").isEmpty());
    CHECK(Routes::encodeName(u"a/b") == QStringLiteral("a/b"));
    CHECK(Routes::encodeQueryValue(u"a b+c/d:e~f") == QStringLiteral("a%20b%2Bc%2Fd%3Ae~f"));
    CHECK(Routes::encodeQueryValue(QStringLiteral("\u00e4")) == QStringLiteral("%C3%A4"));

    // The base path is normalised: leading '/' added, trailing '/' dropped.
    CHECK(Routes(u"artifactory/api/docker/x/").basePath() == QStringLiteral("/artifactory/api/docker/x"));
    CHECK(Routes(u"/").basePath().isEmpty());
    CHECK(Routes(u"/p q").basePath() == QStringLiteral("/p%20q"));
    CHECK(Routes(u"/p%20q").basePath() == QStringLiteral("/p%20q"));
    CHECK(Routes(u"/p%zz%4").basePath() == QStringLiteral("/p%25zz%254"));
    CHECK(Routes(QStringLiteral("/\u00e4")).basePath() == QStringLiteral("/%C3%A4"));
}

TEST_CASE("Routes matches names with slashes and route keywords from the right", "[routes]")
{
    struct Case
    {
        QString method;
        QString target;
        Endpoint endpoint;
        QString name;
        QString reference; // tag, digest or upload id
    };
    const Case cases[] = {
        {QStringLiteral("GET"), QStringLiteral("/v2/a/blobs/b/manifests/latest"), Endpoint::GetManifest,
         QStringLiteral("a/blobs/b"), QStringLiteral("latest")},
        {QStringLiteral("GET"), QStringLiteral("/v2/manifests/manifests/v1"), Endpoint::GetManifest,
         QStringLiteral("manifests"), QStringLiteral("v1")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/manifests/manifests"), Endpoint::GetManifest, QStringLiteral("a"),
         QStringLiteral("manifests")},
        {QStringLiteral("GET"),
         QStringLiteral("/v2/manifests/tags/list"),
         Endpoint::ListTags,
         QStringLiteral("manifests"),
         {}},
        {QStringLiteral("GET"),
         QStringLiteral("/v2/tags/list/tags/list"),
         Endpoint::ListTags,
         QStringLiteral("tags/list"),
         {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/v2/tags/list"), Endpoint::ListTags, QStringLiteral("v2"), {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/x/blobs/blobs/") + kDigestText, Endpoint::GetBlob,
         QStringLiteral("x/blobs"), kDigestText},
        {QStringLiteral("POST"),
         QStringLiteral("/v2/x/blobs/uploads/blobs/uploads/"),
         Endpoint::StartUpload,
         QStringLiteral("x/blobs/uploads"),
         {}},
        {QStringLiteral("PATCH"), QStringLiteral("/v2/a/blobs/uploads/blobs/uploads/u1"), Endpoint::PatchUpload,
         QStringLiteral("a/blobs/uploads"), QStringLiteral("u1")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/referrers/referrers/") + kDigestText, Endpoint::ListReferrers,
         QStringLiteral("a/referrers"), kDigestText},
        {QStringLiteral("GET"), QStringLiteral("/v2/blobs/uploads/manifests/v1"), Endpoint::GetManifest,
         QStringLiteral("blobs/uploads"), QStringLiteral("v1")},
        {QStringLiteral("DELETE"), QStringLiteral("/v2/blobs/blobs/") + kDigestText, Endpoint::DeleteBlob,
         QStringLiteral("blobs"), kDigestText},
        {QStringLiteral("GET"),
         QStringLiteral("/v2/a/b/c/d/e/f/g/tags/list"),
         Endpoint::ListTags,
         QStringLiteral("a/b/c/d/e/f/g"),
         {}},
        {QStringLiteral("GET"),
         QStringLiteral("/v2/catalog/tags/list"),
         Endpoint::ListTags,
         QStringLiteral("catalog"),
         {}},
        // ".../blobs/uploads" without the slash is the upload route: "uploads" is never a digest.
        {QStringLiteral("POST"), QStringLiteral("/v2/a/blobs/uploads"), Endpoint::StartUpload, QStringLiteral("a"), {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/blobs/uploads/uploads"), Endpoint::GetUpload, QStringLiteral("a"),
         QStringLiteral("uploads")},
    };
    const Routes routes;
    for (const Case &c : cases) {
        INFO(c.method.toStdString() << " " << c.target.toStdString());
        const RouteMatch m = routes.matchTarget(c.method, c.target);
        REQUIRE(m.outcome == Outcome::Matched);
        CHECK(m.endpoint == c.endpoint);
        CHECK(m.name == c.name);
        const QString reference = !m.uploadId.isEmpty() ? m.uploadId : !m.tag.isEmpty() ? m.tag : m.digest.toString();
        CHECK(reference == c.reference);
        // Built back from the parts, the target is the same.
        if (c.endpoint != Endpoint::StartUpload) {
            CHECK(routes.path(m.endpoint, m.name, reference) == c.target);
        }
    }
}

TEST_CASE("Routes tells not found, method not allowed and invalid parts apart", "[routes]")
{
    struct Case
    {
        QString method;
        QString target;
        Outcome outcome;
        QString field;          // of the error; empty: not checked
        QString reasonContains; // for invalid outcomes; for 405 the Allow header
    };
    const QString tooLong = QString(256, u'a');
    const Case cases[] = {
        // No route: 404.
        {QStringLiteral("GET"), QString(), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v1/"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/V2/"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2x"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2//"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v3/a/tags/list"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/a"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/b"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/tags"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/tag/list"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/tags/list/"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/_catalog/"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/manifests/"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/blobs/"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/referrers/"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/manifests/latest"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/tags/list"), Outcome::NotFound, {}, {}},
        {QStringLiteral("POST"), QStringLiteral("/v2/blobs/uploads/"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/manifests/v1/extra"), Outcome::NotFound, {}, {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/_catalog/x"), Outcome::NotFound, {}, {}},
        // A route, the wrong method: 405 with the route's methods for the Allow header.
        {QStringLiteral("POST"), QStringLiteral("/v2/"), Outcome::MethodNotAllowed, QStringLiteral("method"),
         QStringLiteral("GET, HEAD")},
        {QStringLiteral("DELETE"), QStringLiteral("/v2"), Outcome::MethodNotAllowed, {}, QStringLiteral("GET, HEAD")},
        {QStringLiteral("POST"),
         QStringLiteral("/v2/_catalog"),
         Outcome::MethodNotAllowed,
         {},
         QStringLiteral("GET, HEAD")},
        {QStringLiteral("PUT"),
         QStringLiteral("/v2/a/blobs/") + kDigestText,
         Outcome::MethodNotAllowed,
         {},
         QStringLiteral("GET, HEAD, DELETE")},
        {QStringLiteral("POST"),
         QStringLiteral("/v2/a/manifests/v1"),
         Outcome::MethodNotAllowed,
         {},
         QStringLiteral("GET, HEAD, PUT, DELETE")},
        {QStringLiteral("GET"),
         QStringLiteral("/v2/a/blobs/uploads/"),
         Outcome::MethodNotAllowed,
         {},
         QStringLiteral("POST")},
        {QStringLiteral("HEAD"),
         QStringLiteral("/v2/a/blobs/uploads/"),
         Outcome::MethodNotAllowed,
         {},
         QStringLiteral("POST")},
        {QStringLiteral("POST"),
         QStringLiteral("/v2/a/blobs/uploads/u1"),
         Outcome::MethodNotAllowed,
         {},
         QStringLiteral("GET, HEAD, PATCH, PUT, DELETE")},
        {QStringLiteral("DELETE"),
         QStringLiteral("/v2/a/tags/list"),
         Outcome::MethodNotAllowed,
         {},
         QStringLiteral("GET, HEAD")},
        {QStringLiteral("PUT"),
         QStringLiteral("/v2/a/referrers/") + kDigestText,
         Outcome::MethodNotAllowed,
         {},
         QStringLiteral("GET, HEAD")},
        {QStringLiteral("get"), QStringLiteral("/v2/"), Outcome::MethodNotAllowed, {}, QStringLiteral("GET, HEAD")},
        {QStringLiteral("OPTIONS"),
         QStringLiteral("/v2/a/manifests/v1"),
         Outcome::MethodNotAllowed,
         {},
         QStringLiteral("GET, HEAD, PUT, DELETE")},
        {QString(), QStringLiteral("/v2/"), Outcome::MethodNotAllowed, {}, QStringLiteral("GET, HEAD")},
        // 405 is decided before the name is checked: the route exists whatever the name.
        {QStringLiteral("POST"),
         QStringLiteral("/v2/Bad/tags/list"),
         Outcome::MethodNotAllowed,
         {},
         QStringLiteral("GET, HEAD")},
        // Names.
        {QStringLiteral("GET"), QStringLiteral("/v2/Foo/tags/list"), Outcome::NameInvalid, QStringLiteral("name"),
         QStringLiteral("must be lowercase")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a//b/tags/list"), Outcome::NameInvalid, QStringLiteral("name"),
         QStringLiteral("empty path component")},
        {QStringLiteral("GET"), QStringLiteral("/v2//a/tags/list"), Outcome::NameInvalid, QStringLiteral("name"),
         QStringLiteral("empty path component")},
        {QStringLiteral("GET"), QStringLiteral("/v2/-a/manifests/v1"), Outcome::NameInvalid, QStringLiteral("name"),
         QStringLiteral("must start with")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a_/manifests/v1"), Outcome::NameInvalid, QStringLiteral("name"),
         QStringLiteral("must end with")},
        {QStringLiteral("GET"), QStringLiteral("/v2/_catalog/tags/list"), Outcome::NameInvalid, QStringLiteral("name"),
         QStringLiteral("must start with")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a..b/tags/list"), Outcome::NameInvalid, QStringLiteral("name"),
         QStringLiteral("invalid separator")},
        {QStringLiteral("GET"), QStringLiteral("/v2/localhost:5000/a/tags/list"), Outcome::NameInvalid,
         QStringLiteral("name"), QStringLiteral("invalid character ':'")},
        {QStringLiteral("GET"), QStringLiteral("/v2/") + tooLong + QStringLiteral("/tags/list"), Outcome::NameInvalid,
         QStringLiteral("name"), QStringLiteral("255 characters or fewer (it has 256)")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a%2Fb/tags/list"), Outcome::NameInvalid, QStringLiteral("name"),
         QStringLiteral("%2F")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a%20b/tags/list"), Outcome::NameInvalid, QStringLiteral("name"),
         QStringLiteral("U+0020")},
        {QStringLiteral("GET"), QStringLiteral("/v2/%C3%A4/tags/list"), Outcome::NameInvalid, QStringLiteral("name"),
         QStringLiteral("U+00E4")},
        {QStringLiteral("GET"), QStringLiteral("/v2/%FF/tags/list"), Outcome::NameInvalid, QStringLiteral("name"),
         QStringLiteral("U+FFFD")},
        // Tags and digests.
        {QStringLiteral("GET"), QStringLiteral("/v2/a/manifests/-v1"), Outcome::TagInvalid, QStringLiteral("tag"),
         QStringLiteral("must start with")},
        {QStringLiteral("PUT"), QStringLiteral("/v2/a/manifests/") + QString(129, u'v'), Outcome::TagInvalid,
         QStringLiteral("tag"), QStringLiteral("128 characters or fewer")},
        {QStringLiteral("DELETE"), QStringLiteral("/v2/a/manifests/v%201"), Outcome::TagInvalid, QStringLiteral("tag"),
         QStringLiteral("invalid character")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/manifests/sha256:abc"), Outcome::DigestInvalid,
         QStringLiteral("digest"), QStringLiteral("64 hex characters, not 3")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/manifests/md5:d41d8cd98f00b204e9800998ecf8427e"),
         Outcome::DigestInvalid, QStringLiteral("digest"), QStringLiteral("unsupported algorithm")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/blobs/latest"), Outcome::DigestInvalid, QStringLiteral("digest"),
         QStringLiteral("no ':'")},
        {QStringLiteral("HEAD"), QStringLiteral("/v2/a/blobs/sha256:") + kHex.toUpper(), Outcome::DigestInvalid,
         QStringLiteral("digest"), QStringLiteral("lowercase hex")},
        {QStringLiteral("DELETE"), QStringLiteral("/v2/a/blobs/sha256:") + kHex + u'0', Outcome::DigestInvalid,
         QStringLiteral("digest"), QStringLiteral("not 65")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/referrers/v1"), Outcome::DigestInvalid, QStringLiteral("digest"),
         QStringLiteral("no ':'")},
        {QStringLiteral("POST"), QStringLiteral("/v2/a/blobs/uploads/?digest=sha256:bad"), Outcome::DigestInvalid,
         QStringLiteral("digest"), QStringLiteral("not 3")},
        {QStringLiteral("POST"), QStringLiteral("/v2/a/blobs/uploads/?digest="), Outcome::DigestInvalid,
         QStringLiteral("digest"), QStringLiteral("empty")},
        {QStringLiteral("PUT"), QStringLiteral("/v2/a/blobs/uploads/u1"), Outcome::DigestInvalid,
         QStringLiteral("digest"), QStringLiteral("required")},
        {QStringLiteral("PUT"), QStringLiteral("/v2/a/blobs/uploads/u1?digest=sha256"), Outcome::DigestInvalid,
         QStringLiteral("digest"), QStringLiteral("no ':'")},
        // Upload ids.
        {QStringLiteral("PATCH"), QStringLiteral("/v2/a/blobs/uploads/u%201"), Outcome::UploadInvalid,
         QStringLiteral("upload id"), QStringLiteral("character")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/blobs/uploads/") + QString(257, u'u'), Outcome::UploadInvalid,
         QStringLiteral("upload id"), QStringLiteral("256 characters or fewer")},
        // Pagination.
        {QStringLiteral("GET"), QStringLiteral("/v2/a/tags/list?n=abc"), Outcome::PaginationInvalid,
         QStringLiteral("n"), QStringLiteral("non-negative integer")},
        {QStringLiteral("GET"), QStringLiteral("/v2/_catalog?n=-1"), Outcome::PaginationInvalid, QStringLiteral("n"),
         QStringLiteral("non-negative integer")},
        {QStringLiteral("GET"),
         QStringLiteral("/v2/_catalog?n=1.5"),
         Outcome::PaginationInvalid,
         QStringLiteral("n"),
         {}},
        // Malformed requests: 400.
        {QStringLiteral("GET"), QStringLiteral("/v2/a%zz/tags/list"), Outcome::BadRequest, QStringLiteral("path"),
         QStringLiteral("percent escape")},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/tags/list%2"), Outcome::BadRequest, QStringLiteral("path"), {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/a/tags/%"), Outcome::BadRequest, QStringLiteral("path"), {}},
        {QStringLiteral("GET"), QStringLiteral("/v2/\u00e4/tags/list"), Outcome::BadRequest, QStringLiteral("path"),
         QStringLiteral("not ASCII")},
        {QStringLiteral("GET"),
         QStringLiteral("/v2/a/tags/list?last=%G1"),
         Outcome::BadRequest,
         QStringLiteral("query"),
         {}},
    };
    const Routes routes;
    for (const Case &c : cases) {
        INFO(c.method.toStdString() << " " << c.target.toStdString());
        const RouteMatch m = routes.matchTarget(c.method, c.target);
        CHECK(m.outcome == c.outcome);
        CHECK_FALSE(m.matched());
        CHECK_FALSE(m.error.reason.isEmpty());
        if (!c.field.isEmpty()) {
            CHECK(m.error.field == c.field);
        }
        if (c.outcome == Outcome::MethodNotAllowed) {
            CHECK(m.allowHeader() == c.reasonContains);
        } else if (!c.reasonContains.isEmpty()) {
            INFO("reason: " << m.error.reason.toStdString());
            CHECK(m.error.reason.contains(c.reasonContains));
        }
        if (c.outcome == Outcome::NotFound) {
            CHECK(m.allowedMethods.isEmpty());
        }
    }
}

TEST_CASE("Routes: the invalid outcomes still tell the endpoint", "[routes]")
{
    const Routes routes;
    CHECK(routes.match(u"PUT", u"/v2/a/manifests/-x").endpoint == Endpoint::PutManifest);
    CHECK(routes.match(u"DELETE", u"/v2/a/blobs/x").endpoint == Endpoint::DeleteBlob);
    CHECK(routes.match(u"POST", u"/v2/a/blobs/uploads/", u"digest=x").endpoint == Endpoint::MonolithicUpload);
    CHECK(routes.match(u"GET", u"/v2/A/tags/list").endpoint == Endpoint::ListTags);
}

TEST_CASE("Routes: trailing slashes, HEAD and percent-encoded characters", "[routes]")
{
    const Routes routes;
    for (const QString &path : {QStringLiteral("/v2"), QStringLiteral("/v2/")}) {
        INFO(path.toStdString());
        const RouteMatch m = routes.match(u"GET", path);
        REQUIRE(m.matched());
        CHECK(m.endpoint == Endpoint::Base);
        CHECK(m.name.isEmpty());
    }
    const RouteMatch head = routes.match(u"HEAD", QStringLiteral("/v2/a/blobs/") + kDigestText);
    REQUIRE(head.matched());
    CHECK(head.endpoint == Endpoint::GetBlob);
    CHECK(head.head);
    const RouteMatch headManifest = routes.match(u"HEAD", u"/v2/a/manifests/v1");
    REQUIRE(headManifest.matched());
    CHECK(headManifest.endpoint == Endpoint::GetManifest);
    CHECK(headManifest.head);
    CHECK(routes.match(u"HEAD", u"/v2/").head);

    // Each segment is decoded on its own; escaped unreserved characters equal themselves (RFC 3986 §6.2.2.2).
    struct Case
    {
        QString target;
        Endpoint endpoint;
        QString name;
        QString reference;
    };
    const Case cases[] = {
        {QStringLiteral("/v2/a/manifest%73/v1"), Endpoint::GetManifest, QStringLiteral("a"), QStringLiteral("v1")},
        {QStringLiteral("/v2/%61/tags/list"), Endpoint::ListTags, QStringLiteral("a"), {}},
        {QStringLiteral("/v2/%74eam/%61pp/manifests/%76%31"), Endpoint::GetManifest, QStringLiteral("team/app"),
         QStringLiteral("v1")},
        {QStringLiteral("/v2/a/manifests/sha256%3A") + kHex, Endpoint::GetManifest, QStringLiteral("a"), kDigestText},
        {QStringLiteral("/v2/a/manifests/sha256%3a") + kHex, Endpoint::GetManifest, QStringLiteral("a"), kDigestText},
        {QStringLiteral("/v2/a/blobs/sha256%3A") + kHex, Endpoint::GetBlob, QStringLiteral("a"), kDigestText},
        {QStringLiteral("/v2/_catalo%67"), Endpoint::Catalog, {}, {}},
        {QStringLiteral("/v2/a/blobs/uploads/u%3D%3D"), Endpoint::GetUpload, QStringLiteral("a"),
         QStringLiteral("u==")},
    };
    for (const Case &c : cases) {
        INFO(c.target.toStdString());
        const RouteMatch m = routes.match(u"GET", c.target);
        REQUIRE(m.matched());
        CHECK(m.endpoint == c.endpoint);
        CHECK(m.name == c.name);
        const QString reference = !m.uploadId.isEmpty() ? m.uploadId : !m.tag.isEmpty() ? m.tag : m.digest.toString();
        CHECK(reference == c.reference);
    }
    // A manifest reference keeps the spelling as decoded.
    CHECK(routes.match(u"GET", QStringLiteral("/v2/a/manifests/sha256%3A") + kHex).reference == kDigestText);
}

TEST_CASE("Routes reads the query parameters of each endpoint", "[routes]")
{
    const Routes routes;

    const RouteMatch tags = routes.matchTarget(u"GET", u"/v2/a/tags/list?n=10&last=v1.2");
    REQUIRE(tags.matched());
    CHECK(tags.n == 10);
    CHECK(tags.last == QStringLiteral("v1.2"));

    const RouteMatch zero = routes.matchTarget(u"GET", u"/v2/a/tags/list?n=0");
    REQUIRE(zero.matched());
    CHECK(zero.n == 0); // spec end-8b: n=0 asks for an empty list, which differs from no n

    const RouteMatch none = routes.matchTarget(u"GET", u"/v2/a/tags/list");
    REQUIRE(none.matched());
    CHECK_FALSE(none.n.has_value());
    CHECK(none.last.isEmpty());

    const RouteMatch empty = routes.matchTarget(u"GET", u"/v2/a/tags/list?n=&last=");
    REQUIRE(empty.matched());
    CHECK_FALSE(empty.n.has_value());

    const RouteMatch huge = routes.matchTarget(u"GET", u"/v2/_catalog?n=99999999999999999999999");
    REQUIRE(huge.matched());
    CHECK(huge.n == INT_MAX);

    const RouteMatch catalog = routes.matchTarget(u"GET", u"/v2/_catalog?last=team%2Fapp&n=%35");
    REQUIRE(catalog.matched());
    CHECK(catalog.endpoint == Endpoint::Catalog);
    CHECK(catalog.n == 5);
    CHECK(catalog.last == QStringLiteral("team/app"));

    // A repeated key keeps its first value; unknown keys and bare keys are ignored.
    const RouteMatch repeated = routes.matchTarget(u"GET", u"/v2/a/tags/list?x&n=1&n=2&&foo=bar");
    REQUIRE(repeated.matched());
    CHECK(repeated.n == 1);

    const RouteMatch referrers =
        routes.matchTarget(u"GET", QStringLiteral("/v2/a/referrers/") + kDigestText +
                                       QStringLiteral("?artifactType=application%2Fvnd.example%2Bjson"));
    REQUIRE(referrers.matched());
    CHECK(referrers.endpoint == Endpoint::ListReferrers);
    CHECK(referrers.artifactType == QStringLiteral("application/vnd.example+json"));
    // A raw '+' stays '+': media types hold '+', and no value here can hold a space.
    const RouteMatch rawPlus =
        routes.matchTarget(u"GET", QStringLiteral("/v2/a/referrers/") + kDigestText +
                                       QStringLiteral("?artifactType=application/vnd.example+json"));
    REQUIRE(rawPlus.matched());
    CHECK(rawPlus.artifactType == QStringLiteral("application/vnd.example+json"));

    // end-4a, end-4b, end-11: the query picks the endpoint; "mount" wins over "digest", as in distribution.
    CHECK(routes.match(u"POST", u"/v2/a/blobs/uploads/").endpoint == Endpoint::StartUpload);
    CHECK(routes.match(u"POST", u"/v2/a/blobs/uploads/", u"x=1").endpoint == Endpoint::StartUpload);
    const RouteMatch mono = routes.match(u"POST", u"/v2/a/blobs/uploads/", QStringLiteral("digest=") + kDigestText);
    REQUIRE(mono.matched());
    CHECK(mono.endpoint == Endpoint::MonolithicUpload);
    CHECK(mono.digest == kDigest);
    const RouteMatch mount =
        routes.match(u"POST", u"/v2/a/blobs/uploads/",
                     QStringLiteral("mount=") + kOtherText + QStringLiteral("&from=library%2Fbusybox&digest=x"));
    REQUIRE(mount.matched());
    CHECK(mount.endpoint == Endpoint::MountBlob);
    CHECK(mount.digest == kOther);
    CHECK(mount.from == QStringLiteral("library/busybox"));
    // Spec "Mounting a blob from another repository": the registry MAY treat "from" as optional.
    const RouteMatch noFrom = routes.match(u"POST", u"/v2/a/blobs/uploads/", QStringLiteral("mount=") + kDigestText);
    REQUIRE(noFrom.matched());
    CHECK(noFrom.endpoint == Endpoint::MountBlob);
    CHECK(noFrom.from.isEmpty());

    // end-6: the digest may come encoded or not.
    for (const QString &digestText : {kDigestText, QStringLiteral("sha256%3A") + kHex}) {
        const RouteMatch put =
            routes.match(u"PUT", u"/v2/a/blobs/uploads/u1", QStringLiteral("_state=abc&digest=") + digestText);
        REQUIRE(put.matched());
        CHECK(put.endpoint == Endpoint::CompleteUpload);
        CHECK(put.uploadId == QStringLiteral("u1"));
        CHECK(put.digest == kDigest);
    }
    // PATCH and GET of an upload ignore the query.
    CHECK(routes.match(u"PATCH", u"/v2/a/blobs/uploads/u1", u"digest=bad").matched());
    CHECK(routes.match(u"GET", u"/v2/a/blobs/uploads/u1", u"digest=bad").matched());
}

TEST_CASE("Routes with a base path", "[routes]")
{
    const Routes routes(u"/artifactory/api/docker/local");
    CHECK(routes.match(u"GET", u"/artifactory/api/docker/local/v2/").endpoint == Endpoint::Base);
    CHECK(routes.match(u"GET", u"/artifactory/api/docker/local/v2").matched());
    CHECK(routes.match(u"GET", u"/artifactory/api/docker/local/v2/a/tags/list").name == QStringLiteral("a"));
    CHECK(routes.match(u"GET", u"/v2/").outcome == Outcome::NotFound);
    CHECK(routes.match(u"GET", u"/artifactory/api/docker/localx/v2/").outcome == Outcome::NotFound);
    CHECK(routes.match(u"GET", u"/artifactory/api/docker/local").outcome == Outcome::NotFound);
    CHECK(routes.match(u"GET", u"/artifactory/api/docker").outcome == Outcome::NotFound);
    CHECK(routes.match(u"GET", u"/artifactory/api/docker/local/").outcome == Outcome::NotFound);
}

TEST_CASE("Routes names each endpoint's method and spec ID", "[routes]")
{
    struct Case
    {
        Endpoint endpoint;
        const char *method;
        const char *id;
    };
    const Case cases[] = {
        {Endpoint::Base, "GET", "end-1"},
        {Endpoint::Catalog, "GET", "catalog"},
        {Endpoint::GetBlob, "GET", "end-2"},
        {Endpoint::GetManifest, "GET", "end-3"},
        {Endpoint::StartUpload, "POST", "end-4a"},
        {Endpoint::MonolithicUpload, "POST", "end-4b"},
        {Endpoint::PatchUpload, "PATCH", "end-5"},
        {Endpoint::CompleteUpload, "PUT", "end-6"},
        {Endpoint::PutManifest, "PUT", "end-7"},
        {Endpoint::ListTags, "GET", "end-8"},
        {Endpoint::DeleteManifest, "DELETE", "end-9"},
        {Endpoint::DeleteBlob, "DELETE", "end-10"},
        {Endpoint::MountBlob, "POST", "end-11"},
        {Endpoint::ListReferrers, "GET", "end-12"},
        {Endpoint::GetUpload, "GET", "end-13"},
        {Endpoint::CancelUpload, "DELETE", "end-14"},
    };
    for (const Case &c : cases) {
        CHECK(Routes::method(c.endpoint) == QLatin1String(c.method));
        CHECK(Routes::specId(c.endpoint) == QLatin1String(c.id));
    }
}

TEST_CASE("Routes: the Allow list of each path shape comes from the one table", "[routes]")
{
    const Routes routes;
    const auto allow = [&](QStringView path) { return routes.match(u"OPTIONS", path).allowHeader(); };
    CHECK(allow(u"/v2/") == QStringLiteral("GET, HEAD"));
    CHECK(allow(u"/v2/_catalog") == QStringLiteral("GET, HEAD"));
    CHECK(allow(QStringLiteral("/v2/a/blobs/") + kDigestText) == QStringLiteral("GET, HEAD, DELETE"));
    CHECK(allow(u"/v2/a/manifests/v1") == QStringLiteral("GET, HEAD, PUT, DELETE"));
    CHECK(allow(u"/v2/a/blobs/uploads/") == QStringLiteral("POST"));
    CHECK(allow(u"/v2/a/blobs/uploads") == QStringLiteral("POST"));
    CHECK(allow(u"/v2/a/blobs/uploads/u1") == QStringLiteral("GET, HEAD, PATCH, PUT, DELETE"));
    CHECK(allow(u"/v2/a/tags/list") == QStringLiteral("GET, HEAD"));
    CHECK(allow(QStringLiteral("/v2/a/referrers/") + kDigestText) == QStringLiteral("GET, HEAD"));
    // Every endpoint's own method is allowed on the path its builder writes.
    const QString name = QStringLiteral("a/b");
    for (int e = 0; e <= static_cast<int>(Endpoint::ListReferrers); ++e) {
        const auto endpoint = static_cast<Endpoint>(e);
        const QString reference = endpoint == Endpoint::GetManifest || endpoint == Endpoint::PutManifest ||
                                          endpoint == Endpoint::DeleteManifest
                                      ? QStringLiteral("v1")
                                  : endpoint == Endpoint::PatchUpload || endpoint == Endpoint::CompleteUpload ||
                                          endpoint == Endpoint::GetUpload || endpoint == Endpoint::CancelUpload
                                      ? QStringLiteral("u1")
                                      : kDigestText;
        const QString target = routes.path(endpoint, name, reference);
        INFO(Routes::specId(endpoint).toStdString() << " " << target.toStdString());
        REQUIRE_FALSE(target.isEmpty());
        const RouteMatch m =
            routes.match(Routes::method(endpoint), target,
                         endpoint == Endpoint::CompleteUpload ? QStringLiteral("digest=") + kDigestText : QString());
        CHECK(m.allowedMethods.contains(Routes::method(endpoint)));
    }
}

TEST_CASE("Routes builders refuse invalid names and references with an empty string", "[routes]")
{
    const Routes r;
    const Routes prefixed(u"/p");
    // Finding: "a/../b" and "" used to give "/v2/a/../b/manifests/v1" and "/v2//manifests/v1".
    CHECK(r.path(Endpoint::GetManifest, u"a/../b", u"v1").isEmpty());
    CHECK(r.path(Endpoint::GetManifest, u"", u"v1").isEmpty());
    CHECK(prefixed.path(Endpoint::GetManifest, u"", u"v1").isEmpty());
    CHECK(r.path(Endpoint::ListTags, u"/a").isEmpty());
    CHECK(r.path(Endpoint::ListTags, u"a/").isEmpty());
    CHECK(r.path(Endpoint::StartUpload, u"A").isEmpty());
    CHECK(Routes::encodeName(u"a//b").isEmpty());
    CHECK(Routes::encodeName(u"").isEmpty());
    // References: a manifest needs a tag or a digest, blobs and referrers a digest, uploads an upload id.
    CHECK(r.path(Endpoint::GetManifest, u"a", u"").isEmpty());
    CHECK(r.path(Endpoint::GetManifest, u"a", u"-v1").isEmpty());
    CHECK(r.path(Endpoint::GetManifest, u"a", u"sha256:abc").isEmpty());
    CHECK(r.path(Endpoint::GetBlob, u"a", u"latest").isEmpty());
    CHECK(r.path(Endpoint::DeleteBlob, u"a", u"").isEmpty());
    CHECK(r.path(Endpoint::PatchUpload, u"a", u"").isEmpty());
    CHECK(r.path(Endpoint::PatchUpload, u"a", u"../x").isEmpty());
    CHECK(r.referrers(u"a", Digest()).isEmpty());
    CHECK(r.tagsList(u"a/../b", 10).isEmpty());
    CHECK(r.monolithicUpload(u"a", Digest()).isEmpty());
    CHECK(r.completeUpload(u"a", u"u1", Digest()).isEmpty());
    CHECK(r.mount(u"a", kDigest, u"B/c").isEmpty());
    CHECK(r.mount(u"a", Digest(), u"b").isEmpty());
    // Endpoints without a name or reference ignore them.
    CHECK(r.path(Endpoint::Base, u"../x", u"../y") == QStringLiteral("/v2/"));
    CHECK(r.path(Endpoint::Catalog, u"../x") == QStringLiteral("/v2/_catalog"));
    CHECK(r.path(Endpoint::StartUpload, u"a", u"../y") == QStringLiteral("/v2/a/blobs/uploads/"));
    CHECK(r.path(Endpoint::ListTags, u"a", u"../y") == QStringLiteral("/v2/a/tags/list"));
}

TEST_CASE("Routes: an invalid mount or from opens an upload session instead of a 400", "[routes]")
{
    // distribution-spec "Mounting a blob from another repository": a registry that cannot mount SHOULD
    // answer 202 with an upload session.
    const Routes routes;
    const RouteMatch badDigest = routes.match(u"POST", u"/v2/a/blobs/uploads/", u"mount=sha256:bad&from=b");
    REQUIRE(badDigest.matched());
    CHECK(badDigest.endpoint == Endpoint::StartUpload);
    CHECK(badDigest.from.isEmpty());
    CHECK_FALSE(badDigest.digest.isValid());

    const RouteMatch badFrom = routes.match(u"POST", u"/v2/a/blobs/uploads/",
                                            QStringLiteral("mount=") + kDigestText + QStringLiteral("&from=B/c"));
    REQUIRE(badFrom.matched());
    CHECK(badFrom.endpoint == Endpoint::StartUpload);
    CHECK(badFrom.from.isEmpty());
    CHECK_FALSE(badFrom.digest.isValid());

    // With a valid ?digest= beside it, the POST is a monolithic upload (end-4b).
    const RouteMatch monolithic =
        routes.match(u"POST", u"/v2/a/blobs/uploads/", QStringLiteral("mount=x&from=b&digest=") + kOtherText);
    REQUIRE(monolithic.matched());
    CHECK(monolithic.endpoint == Endpoint::MonolithicUpload);
    CHECK(monolithic.digest == kOther);
    CHECK(monolithic.from.isEmpty());

    // ... and a bad ?digest= is still the 400 it is without "mount".
    const RouteMatch badBoth = routes.match(u"POST", u"/v2/a/blobs/uploads/", u"mount=x&digest=sha256:bad");
    CHECK(badBoth.outcome == Outcome::DigestInvalid);
    CHECK(badBoth.endpoint == Endpoint::MonolithicUpload);

    // A valid mount is still a mount.
    const RouteMatch good = routes.match(u"POST", u"/v2/a/blobs/uploads/",
                                         QStringLiteral("mount=") + kDigestText + QStringLiteral("&from=b/c"));
    REQUIRE(good.matched());
    CHECK(good.endpoint == Endpoint::MountBlob);
    CHECK(good.from == QStringLiteral("b/c"));
}

TEST_CASE("Routes::matchTarget accepts the absolute-form (RFC 9112 section 3.2.2)", "[routes]")
{
    const Routes routes;
    const RouteMatch m = routes.matchTarget(u"GET", u"http://127.0.0.1:5000/v2/team/app/manifests/v1");
    REQUIRE(m.matched());
    CHECK(m.endpoint == Endpoint::GetManifest);
    CHECK(m.name == QStringLiteral("team/app"));
    CHECK(m.tag == QStringLiteral("v1"));

    const RouteMatch q = routes.matchTarget(u"GET", u"HTTPS://user@[::1]:443/v2/a/tags/list?n=5&last=x");
    REQUIRE(q.matched());
    CHECK(q.endpoint == Endpoint::ListTags);
    CHECK(q.n == 5);
    CHECK(q.last == QStringLiteral("x"));

    CHECK(routes.matchTarget(u"GET", u"http://host/v2/").matched());
    CHECK(routes.matchTarget(u"GET", u"http://host").outcome == Outcome::NotFound);
    CHECK(routes.matchTarget(u"GET", u"http://host?x").outcome == Outcome::NotFound);
    // Only http and https are HTTP request targets; anything else is a path that is no route.
    CHECK(routes.matchTarget(u"GET", u"ftp://host/v2/").outcome == Outcome::NotFound);
    // A base path applies after the authority is dropped.
    const Routes prefixed(u"/p");
    CHECK(prefixed.matchTarget(u"GET", u"http://host/p/v2/a/tags/list").matched());
    CHECK(prefixed.matchTarget(u"GET", u"http://host/v2/a/tags/list").outcome == Outcome::NotFound);
}
