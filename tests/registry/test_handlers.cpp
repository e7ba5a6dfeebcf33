// The registry's API (RegistryHandler via Registry) driven through FakeExchange: every endpoint, its headers,
// bodies and error codes, over a real store in a temporary directory.
#include "embedded_registry/registry.h"
#include "embedded_registry/uploadstore.h"
#include "fakeexchange.h"

#include "oci/link.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <atomic>
#include <functional>

using namespace Minato::Registry;
using Minato::Oci::Digest;
using Minato::Oci::Sha256Hasher;
using Minato::Registry::Test::FakeExchange;

namespace {

constexpr char ociManifest[] = "application/vnd.oci.image.manifest.v1+json";
constexpr char ociIndex[] = "application/vnd.oci.image.index.v1+json";
constexpr char dockerManifest[] = "application/vnd.docker.distribution.manifest.v2+json";

class DenyAuthorizer final : public Authorizer
{
public:
    explicit DenyAuthorizer(QString repository)
        : m_repository(std::move(repository))
    {}
    bool allows(const QString &, const QString &repository, Access) const override
    {
        return repository != m_repository;
    }

private:
    QString m_repository;
};

struct Harness
{
    explicit Harness(const std::function<void(RegistryOptions &)> &tweak = {})
    {
        RegistryOptions options;
        options.fsync = false;
        options.clock = [c = clock] { return c->load(); };
        if (tweak) {
            tweak(options);
        }
        registry = std::make_unique<Registry>(dir.path(), options);
        REQUIRE(registry->isOpen());
    }

    std::unique_ptr<FakeExchange> send(const QByteArray &method, const QByteArray &target, const QByteArray &body = {},
                                       HttpHeaders headers = {},
                                       const std::function<void(FakeExchange &)> &prepare = {})
    {
        auto ex = std::make_unique<FakeExchange>(method, target, body, std::move(headers));
        if (prepare) {
            prepare(*ex);
        }
        registry->handler()->handle(*ex);
        // Every response, errors included, names the API version; exactly one response per request.
        if (ex->responses > 0) {
            CHECK(ex->header("Docker-Distribution-API-Version") == "registry/2.0");
        }
        CHECK(ex->responses <= 1);
        return ex;
    }

    Digest pushBlob(const QByteArray &name, const QByteArray &bytes)
    {
        const Digest digest = Sha256Hasher::digestOf(bytes);
        auto ex = send("POST", "/v2/" + name + "/blobs/uploads/?digest=" + digest.toString().toLatin1(), bytes);
        REQUIRE(ex->status == 201);
        return digest;
    }

    std::unique_ptr<FakeExchange> putManifest(const QByteArray &name, const QByteArray &reference,
                                              const QByteArray &bytes, const QByteArray &contentType = ociManifest)
    {
        return send("PUT", "/v2/" + name + "/manifests/" + reference, bytes, {{"Content-Type", contentType}});
    }

    QTemporaryDir dir;
    std::shared_ptr<std::atomic<qint64>> clock = std::make_shared<std::atomic<qint64>>(1'700'000'000'000);
    std::unique_ptr<Registry> registry;
};

QJsonObject descriptor(const QString &mediaType, const QByteArray &bytes)
{
    return {{QStringLiteral("mediaType"), mediaType},
            {QStringLiteral("digest"), Sha256Hasher::digestOf(bytes).toString()},
            {QStringLiteral("size"), double(bytes.size())}};
}

QJsonObject descriptor(const QString &mediaType, const Digest &digest, qint64 size)
{
    return {{QStringLiteral("mediaType"), mediaType},
            {QStringLiteral("digest"), digest.toString()},
            {QStringLiteral("size"), double(size)}};
}

const QByteArray configBytes =
    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
const QByteArray layerBytes = "pretend this is a gzipped tar";

// An OCI image manifest over configBytes and layerBytes (extra fields merged in).
QByteArray imageManifest(const QJsonObject &extra = {}, const QString &mediaType = QString::fromLatin1(ociManifest))
{
    QJsonObject m{
        {QStringLiteral("schemaVersion"), 2},
        {QStringLiteral("mediaType"), mediaType},
        {QStringLiteral("config"),
         descriptor(mediaType.contains(u"docker") ? QStringLiteral("application/vnd.docker.container.image.v1+json")
                                                  : QStringLiteral("application/vnd.oci.image.config.v1+json"),
                    configBytes)},
        {QStringLiteral("layers"),
         QJsonArray{descriptor(mediaType.contains(u"docker")
                                   ? QStringLiteral("application/vnd.docker.image.rootfs.diff.tar.gzip")
                                   : QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip"),
                               layerBytes)}}};
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        m.insert(it.key(), it.value());
    }
    return QJsonDocument(m).toJson(QJsonDocument::Compact);
}

// An artifact manifest (empty config) with a subject.
QByteArray artifact(const Digest &subject, const QString &artifactType, const QString &note)
{
    QJsonObject m{{QStringLiteral("schemaVersion"), 2},
                  {QStringLiteral("mediaType"), QString::fromLatin1(ociManifest)},
                  {QStringLiteral("config"), descriptor(QStringLiteral("application/vnd.oci.empty.v1+json"), "{}")},
                  {QStringLiteral("layers"), QJsonArray{descriptor(QStringLiteral("text/plain"), note.toUtf8())}},
                  {QStringLiteral("subject"), descriptor(QString::fromLatin1(ociManifest), subject, 1234)},
                  {QStringLiteral("annotations"), QJsonObject{{QStringLiteral("note"), note}}}};
    if (!artifactType.isEmpty()) {
        m.insert(QStringLiteral("artifactType"), artifactType);
    }
    return QJsonDocument(m).toJson(QJsonDocument::Compact);
}

void pushImageBlobs(Harness &h, const QByteArray &name)
{
    h.pushBlob(name, configBytes);
    h.pushBlob(name, layerBytes);
}

QString nextLinkTarget(const FakeExchange &ex)
{
    const auto links = Minato::Oci::parseLinkHeader(ex.header("Link"));
    REQUIRE(links);
    const auto next = Minato::Oci::nextLink(*links);
    return next ? next->target : QString();
}

} // namespace

TEST_CASE("GET /v2/ answers 200 {}", "[registry][handlers]")
{
    Harness h;
    auto ex = h.send("GET", "/v2/");
    CHECK(ex->status == 200);
    CHECK(ex->responseBody == "{}");
    CHECK(ex->header("Content-Type") == "application/json");
    CHECK(h.send("HEAD", "/v2/")->status == 200);
}

TEST_CASE("Routing errors carry OCI error bodies and the right statuses", "[registry][handlers]")
{
    Harness h;
    struct Case
    {
        QByteArray method;
        QByteArray target;
        int status;
        QString code;
    };
    const Case cases[] = {
        {"GET", "/v3/", 404, "UNSUPPORTED"},
        {"GET", "/v2/app/nothing/here", 404, "UNSUPPORTED"},
        {"GET", "/v2/Upper/tags/list", 400, "NAME_INVALID"},
        {"GET", "/v2/app/blobs/sha256:xyz", 400, "DIGEST_INVALID"},
        {"GET", "/v2/app/manifests/-bad", 400, "TAG_INVALID"},
        {"GET", "/v2/app/manifests/sha256:123", 400, "DIGEST_INVALID"},
        {"GET", "/v2/app/tags/list?n=abc", 400, "PAGINATION_NUMBER_INVALID"},
        {"GET", "/v2/_catalog?n=-1", 400, "PAGINATION_NUMBER_INVALID"},
        {"GET", "/v2/app/blobs/uploads/bad%20id", 404, "BLOB_UPLOAD_UNKNOWN"},
        {"PUT", "/v2/app/blobs/uploads/abc", 400, "DIGEST_INVALID"}, // end-6 without ?digest=
        {"POST", "/v2/app/blobs/uploads/?digest=sha256:bad", 400, "DIGEST_INVALID"},
    };
    for (const Case &c : cases) {
        INFO(c.method.toStdString() << " " << c.target.toStdString());
        auto ex = h.send(c.method, c.target);
        CHECK(ex->status == c.status);
        CHECK(ex->errorCode() == c.code);
    }
    auto ex = h.send("PATCH", "/v2/_catalog");
    CHECK(ex->status == 405);
    CHECK(ex->errorCode() == "UNSUPPORTED");
    CHECK(ex->header("Allow").contains("GET"));
}

TEST_CASE("Blobs: monolithic push, GET, HEAD, Range, visibility per repository", "[registry][handlers]")
{
    Harness h;
    const QByteArray bytes = "0123456789abcdef";
    const Digest digest = Sha256Hasher::digestOf(bytes);
    const QByteArray d = digest.toString().toLatin1();

    auto push = h.send("POST", "/v2/team/app/blobs/uploads/?digest=" + d, bytes);
    CHECK(push->status == 201);
    CHECK(push->header("Location") == "/v2/team/app/blobs/" + d);
    CHECK(push->header("Docker-Content-Digest") == d);

    auto get = h.send("GET", "/v2/team/app/blobs/" + d);
    CHECK(get->status == 200);
    CHECK(get->streamed);
    CHECK(get->responseBody == bytes);
    CHECK(get->header("Content-Type") == "application/octet-stream");
    CHECK(get->header("Docker-Content-Digest") == d);

    auto head = h.send("HEAD", "/v2/team/app/blobs/" + d);
    CHECK(head->status == 200);
    CHECK(head->header("Content-Length") == "16");
    CHECK(head->header("Docker-Content-Digest") == d);
    CHECK(head->responseBody.isEmpty());

    auto partial = h.send("GET", "/v2/team/app/blobs/" + d, {}, {{"Range", "bytes=2-5"}});
    CHECK(partial->status == 206);
    CHECK(partial->responseBody == "2345");
    CHECK(partial->header("Content-Range") == "bytes 2-5/16");
    auto suffix = h.send("GET", "/v2/team/app/blobs/" + d, {}, {{"Range", "bytes=-3"}});
    CHECK(suffix->status == 206);
    CHECK(suffix->responseBody == "def");
    auto beyond = h.send("GET", "/v2/team/app/blobs/" + d, {}, {{"Range", "bytes=100-"}});
    CHECK(beyond->status == 416);
    CHECK(beyond->header("Content-Range") == "bytes */16");

    auto elsewhere = h.send("GET", "/v2/team/other/blobs/" + d);
    CHECK(elsewhere->status == 404);
    CHECK(elsewhere->errorCode() == "BLOB_UNKNOWN");
    CHECK(h.send("HEAD", "/v2/team/other/blobs/" + d)->status == 404);
}

TEST_CASE("Blobs: a monolithic push with the wrong digest stores nothing", "[registry][handlers]")
{
    Harness h;
    const QByteArray wrong = Sha256Hasher::digestOf("other").toString().toLatin1();
    auto ex = h.send("POST", "/v2/app/blobs/uploads/?digest=" + wrong, "content");
    CHECK(ex->status == 400);
    CHECK(ex->errorCode() == "DIGEST_INVALID");
    CHECK(h.send("GET", "/v2/app/blobs/" + wrong)->status == 404);
    CHECK(h.registry->uploads()->count() == 0);

    auto sha512 = h.send("POST", "/v2/app/blobs/uploads/?digest=sha512:" + QByteArray(128, 'a'), "content");
    CHECK(sha512->status == 400);
    CHECK(sha512->errorCode() == "DIGEST_INVALID");
}

TEST_CASE("Uploads: POST, PATCH streamed and with Content-Range, status, PUT", "[registry][handlers]")
{
    Harness h;
    auto start = h.send("POST", "/v2/app/blobs/uploads/");
    REQUIRE(start->status == 202);
    const QByteArray location = start->header("Location");
    const QByteArray id = start->header("Docker-Upload-UUID");
    CHECK(location == "/v2/app/blobs/uploads/" + id);
    CHECK(start->header("Range") == "0-0");
    CHECK(start->header("Content-Length") == "0");

    auto first = h.send("PATCH", location, "hello"); // streamed, no Content-Range
    CHECK(first->status == 202);
    CHECK(first->header("Range") == "0-4");
    CHECK(first->header("Location") == location);
    CHECK(first->header("Docker-Upload-UUID") == id);

    auto second = h.send("PATCH", location, " worl", {{"Content-Range", "5-9"}});
    CHECK(second->status == 202);
    CHECK(second->header("Range") == "0-9");

    SECTION("out-of-order chunks are 416 and change nothing")
    {
        auto ooo = h.send("PATCH", location, "xyz", {{"Content-Range", "3-5"}});
        CHECK(ooo->status == 416);
        CHECK(ooo->errorCode() == "RANGE_INVALID");
        CHECK(ooo->header("Range") == "0-9");
        CHECK(ooo->header("Location") == location);
        auto bad = h.send("PATCH", location, "xyz", {{"Content-Range", "bytes=10-12"}});
        CHECK(bad->status == 400);
        CHECK(bad->errorCode() == "BLOB_UPLOAD_INVALID");
        auto size = h.send("PATCH", location, "xyz", {{"Content-Range", "10-20"}});
        CHECK(size->status == 400);
        CHECK(size->errorCode() == "SIZE_INVALID");
        auto finalOoo = h.send("PUT", location + "?digest=" + Sha256Hasher::digestOf("x").toString().toLatin1(), "d",
                               {{"Content-Range", "11-11"}});
        CHECK(finalOoo->status == 416);
    }

    auto status = h.send("GET", location);
    CHECK(status->status == 204);
    CHECK(status->header("Range") == "0-9");
    CHECK(status->header("Location") == location);
    CHECK(status->responseBody.isEmpty());

    const Digest digest = Sha256Hasher::digestOf("hello world");
    const QByteArray d = digest.toString().toLatin1();
    auto put = h.send("PUT", location + "?digest=" + d, "d", {{"Content-Range", "10-10"}});
    CHECK(put->status == 201);
    CHECK(put->header("Location") == "/v2/app/blobs/" + d);
    CHECK(put->header("Docker-Content-Digest") == d);
    CHECK(h.send("GET", "/v2/app/blobs/" + d)->responseBody == "hello world");

    auto gone = h.send("GET", location);
    CHECK(gone->status == 404);
    CHECK(gone->errorCode() == "BLOB_UPLOAD_UNKNOWN");
}

TEST_CASE("Uploads: POST then PUT with the whole body, chunked bodies", "[registry][handlers]")
{
    Harness h;
    const QByteArray location = h.send("POST", "/v2/app/blobs/uploads/")->header("Location");
    const QByteArray bytes = QByteArray(10000, 'q');
    const QByteArray d = Sha256Hasher::digestOf(bytes).toString().toLatin1();
    auto put = h.send("PUT", location + "?digest=" + d, bytes, {}, [](FakeExchange &ex) {
        ex.makeChunked();
        ex.chunkSize = 777;
    });
    CHECK(put->status == 201);
    CHECK(h.send("HEAD", "/v2/app/blobs/" + d)->header("Content-Length") == "10000");
}

TEST_CASE("Uploads: digest mismatch, cancel, unknown sessions, other repository", "[registry][handlers]")
{
    Harness h;
    const QByteArray location = h.send("POST", "/v2/app/blobs/uploads/")->header("Location");
    REQUIRE(h.send("PATCH", location, "abc")->status == 202);

    SECTION("a wrong digest on PUT: 400 DIGEST_INVALID, and the session is gone (as distribution does)")
    {
        auto put = h.send("PUT", location + "?digest=" + Sha256Hasher::digestOf("abd").toString().toLatin1());
        CHECK(put->status == 400);
        CHECK(put->errorCode() == "DIGEST_INVALID");
        CHECK(h.send("GET", location)->status == 404);
    }
    SECTION("DELETE cancels")
    {
        CHECK(h.send("DELETE", location)->status == 204);
        auto again = h.send("DELETE", location);
        CHECK(again->status == 404);
        CHECK(again->errorCode() == "BLOB_UPLOAD_UNKNOWN");
        CHECK(h.send("PATCH", location, "x")->status == 404);
    }
    SECTION("a session is only reachable through its own repository")
    {
        QByteArray other = location;
        other.replace("/v2/app/", "/v2/other/");
        CHECK(h.send("GET", other)->status == 404);
        CHECK(h.send("PATCH", other, "x")->errorCode() == "BLOB_UPLOAD_UNKNOWN");
    }
    SECTION("unknown ids")
    {
        const QByteArray unknown = "/v2/app/blobs/uploads/00000000-0000-0000-0000-000000000000";
        for (const QByteArray &method : {QByteArray("GET"), QByteArray("PATCH"), QByteArray("DELETE")}) {
            auto ex = h.send(method, unknown);
            CHECK(ex->status == 404);
            CHECK(ex->errorCode() == "BLOB_UPLOAD_UNKNOWN");
        }
        auto put = h.send("PUT", unknown + "?digest=" + Sha256Hasher::digestOf("").toString().toLatin1());
        CHECK(put->status == 404);
    }
    SECTION("a client that goes away mid-PATCH gets no answer; the session keeps what arrived")
    {
        auto ex = h.send("PATCH", location, "defghi", {}, [](FakeExchange &e) { e.clientGone = true; });
        CHECK(ex->responses == 0);
        CHECK(h.send("GET", location)->header("Range") == "0-5");
        CHECK(h.send("PATCH", location, "x", {{"Content-Range", "6-6"}})->status == 202);
    }
}

TEST_CASE("Uploads: the concurrent-session limit answers 429, expired sessions 404", "[registry][handlers]")
{
    Harness h([](RegistryOptions &o) {
        o.maxConcurrentUploads = 1;
        o.uploadExpiry = std::chrono::minutes(5);
    });
    const QByteArray location = h.send("POST", "/v2/app/blobs/uploads/")->header("Location");
    auto refused = h.send("POST", "/v2/app/blobs/uploads/");
    CHECK(refused->status == 429);
    CHECK(refused->errorCode() == "TOOMANYREQUESTS");
    CHECK_FALSE(refused->header("Retry-After").isEmpty());
    auto monolithic =
        h.send("POST", "/v2/app/blobs/uploads/?digest=" + Sha256Hasher::digestOf("x").toString().toLatin1(), "x");
    CHECK(monolithic->status == 429);

    *h.clock += 6 * 60 * 1000;
    auto expired = h.send("PATCH", location, "late");
    CHECK(expired->status == 404);
    CHECK(expired->errorCode() == "BLOB_UPLOAD_UNKNOWN");
    CHECK(h.send("POST", "/v2/app/blobs/uploads/")->status == 202); // the expired one freed its slot
}

TEST_CASE("Mount: 201 when the blob is in `from`, otherwise a 202 session", "[registry][handlers]")
{
    Harness h;
    const Digest digest = h.pushBlob("src", "shared layer");
    const QByteArray d = digest.toString().toLatin1();

    auto mounted = h.send("POST", "/v2/dst/blobs/uploads/?mount=" + d + "&from=src");
    CHECK(mounted->status == 201);
    CHECK(mounted->header("Location") == "/v2/dst/blobs/" + d);
    CHECK(mounted->header("Docker-Content-Digest") == d);
    CHECK(h.send("GET", "/v2/dst/blobs/" + d)->responseBody == "shared layer");

    const QByteArray unknown = Sha256Hasher::digestOf("nope").toString().toLatin1();
    auto notThere = h.send("POST", "/v2/dst2/blobs/uploads/?mount=" + unknown + "&from=src");
    CHECK(notThere->status == 202);
    CHECK(notThere->header("Location").startsWith("/v2/dst2/blobs/uploads/"));
    CHECK(h.send("POST", "/v2/dst2/blobs/uploads/?mount=" + d + "&from=elsewhere")->status == 202);
    CHECK(h.send("POST", "/v2/dst2/blobs/uploads/?mount=" + d)->status == 202); // no `from`: no search
    // A mount we cannot read (bad digest, bad name) is a plain upload start (src/oci Routes): 202.
    CHECK(h.send("POST", "/v2/dst2/blobs/uploads/?mount=sha256:bad&from=src")->status == 202);
    CHECK(h.send("POST", "/v2/dst2/blobs/uploads/?mount=" + d + "&from=BAD")->status == 202);

    h.registry->setAuthorizer(std::make_shared<DenyAuthorizer>(QStringLiteral("src")));
    CHECK(h.send("POST", "/v2/dst3/blobs/uploads/?mount=" + d + "&from=src")->status == 202);
    CHECK(h.send("GET", "/v2/dst3/blobs/" + d)->status == 404);
}

TEST_CASE("Manifests: PUT by tag and digest, GET and HEAD serve the stored bytes and type", "[registry][handlers]")
{
    Harness h;
    pushImageBlobs(h, "app");
    const QByteArray manifest = imageManifest();
    const QByteArray d = Sha256Hasher::digestOf(manifest).toString().toLatin1();

    auto put = h.putManifest("app", "v1", manifest);
    CHECK(put->status == 201);
    CHECK(put->header("Location") == "/v2/app/manifests/" + d);
    CHECK(put->header("Docker-Content-Digest") == d);
    CHECK(put->header("OCI-Subject").isNull());

    for (const QByteArray &reference : {QByteArray("v1"), d}) {
        auto get = h.send("GET", "/v2/app/manifests/" + reference, {}, {{"Accept", dockerManifest}});
        CHECK(get->status == 200);
        CHECK(get->responseBody == manifest);
        CHECK(get->header("Content-Type") == ociManifest);
        CHECK(get->header("Docker-Content-Digest") == d);
        auto head = h.send("HEAD", "/v2/app/manifests/" + reference);
        CHECK(head->status == 200);
        CHECK(head->header("Content-Length") == QByteArray::number(manifest.size()));
        CHECK(head->responseBody.isEmpty());
    }
    auto unknown = h.send("GET", "/v2/app/manifests/v2");
    CHECK(unknown->status == 404);
    CHECK(unknown->errorCode() == "MANIFEST_UNKNOWN");
    CHECK(h.send("HEAD", "/v2/other/manifests/v1")->status == 404);

    // By digest: must match the body.
    CHECK(h.putManifest("app", d, manifest)->status == 201);
    auto mismatch = h.putManifest("app", Sha256Hasher::digestOf("x").toString().toLatin1(), manifest);
    CHECK(mismatch->status == 400);
    CHECK(mismatch->errorCode() == "DIGEST_INVALID");

    // A Docker schema 2 manifest keeps its type.
    pushImageBlobs(h, "docker");
    const QByteArray dockerBytes = imageManifest({}, QString::fromLatin1(dockerManifest));
    CHECK(h.putManifest("docker", "latest", dockerBytes, dockerManifest)->status == 201);
    CHECK(h.send("GET", "/v2/docker/manifests/latest", {}, {{"Accept", ociManifest}})->header("Content-Type") ==
          dockerManifest);
}

TEST_CASE("Manifests: validation failures", "[registry][handlers]")
{
    Harness h;
    SECTION("a layer the repository does not hold: 400 MANIFEST_BLOB_UNKNOWN")
    {
        h.pushBlob("app", configBytes);
        auto ex = h.putManifest("app", "v1", imageManifest());
        CHECK(ex->status == 400);
        CHECK(ex->errorCode() == "MANIFEST_BLOB_UNKNOWN");
        CHECK(ex->json().value("errors").toArray().first().toObject().value("detail").toObject().value("digest") ==
              Sha256Hasher::digestOf(layerBytes).toString());
        h.pushBlob("elsewhere", layerBytes); // in another repository does not count
        CHECK(h.putManifest("app", "v1", imageManifest())->status == 400);
    }
    SECTION("a Content-Type that disagrees with mediaType: 400 MANIFEST_INVALID")
    {
        pushImageBlobs(h, "app");
        auto ex = h.putManifest("app", "v1", imageManifest(), dockerManifest);
        CHECK(ex->status == 400);
        CHECK(ex->errorCode() == "MANIFEST_INVALID");
    }
    SECTION("not JSON, a blob type, schema 1")
    {
        CHECK(h.putManifest("app", "v1", "{not json")->errorCode() == "MANIFEST_INVALID");
        CHECK(h.putManifest("app", "v1", imageManifest(), "application/vnd.oci.image.layer.v1.tar")->errorCode() ==
              "MANIFEST_INVALID");
        auto schema1 = h.putManifest("app", "v1", Minato::Test::readData(u"oci/schema1-unsigned.json"),
                                     "application/vnd.docker.distribution.manifest.v1+json");
        CHECK(schema1->status == 400);
        CHECK(schema1->errorCode() == "MANIFEST_INVALID");
        CHECK(schema1->json().value("errors").toArray().first().toObject().value("message").toString().contains(
            u"schema 1"));
    }
    SECTION("larger than 4 MiB: 413")
    {
        auto ex = h.putManifest("app", "v1", QByteArray(4 * 1024 * 1024 + 1, ' '));
        CHECK(ex->status == 413);
        CHECK(ex->errorCode() == "MANIFEST_INVALID");
    }
    CHECK(h.send("GET", "/v2/app/manifests/v1")->status == 404);
}

TEST_CASE("Manifests: foreign layers with urls and a missing subject are accepted", "[registry][handlers]")
{
    Harness h;
    pushImageBlobs(h, "app");
    QJsonArray layers{descriptor(QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip"), layerBytes)};
    QJsonObject foreign = descriptor(QStringLiteral("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"),
                                     QByteArray("windows base layer"));
    foreign.insert(QStringLiteral("urls"), QJsonArray{QStringLiteral("https://example.com/layer")});
    layers.append(foreign);
    CHECK(h.putManifest("app", "foreign", imageManifest({{QStringLiteral("layers"), layers}}))->status == 201);

    const Digest subject = Sha256Hasher::digestOf("not pushed (yet)");
    auto ex = h.putManifest(
        "app", "sig",
        imageManifest({{QStringLiteral("subject"), descriptor(QString::fromLatin1(ociManifest), subject, 7)}}));
    CHECK(ex->status == 201);
    CHECK(ex->header("OCI-Subject") == subject.toString().toLatin1());
}

TEST_CASE("Manifests: an index needs its child manifests in the repository", "[registry][handlers]")
{
    Harness h;
    pushImageBlobs(h, "app");
    const QByteArray child = imageManifest();
    const auto indexOf = [&](const QByteArray &manifest) {
        QJsonObject entry = descriptor(QString::fromLatin1(ociManifest), manifest);
        entry.insert(QStringLiteral("platform"),
                     QJsonObject{{QStringLiteral("os"), QStringLiteral("linux")},
                                 {QStringLiteral("architecture"), QStringLiteral("amd64")}});
        return QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                         {QStringLiteral("mediaType"), QString::fromLatin1(ociIndex)},
                                         {QStringLiteral("manifests"), QJsonArray{entry}}})
            .toJson(QJsonDocument::Compact);
    };
    auto missing = h.putManifest("app", "multi", indexOf(child), ociIndex);
    CHECK(missing->status == 400);
    CHECK(missing->errorCode() == "MANIFEST_BLOB_UNKNOWN");
    REQUIRE(h.putManifest("app", Sha256Hasher::digestOf(child).toString().toLatin1(), child)->status == 201);
    CHECK(h.putManifest("app", "multi", indexOf(child), ociIndex)->status == 201);
    CHECK(h.send("GET", "/v2/app/manifests/multi")->header("Content-Type") == ociIndex);
}

TEST_CASE("Tags list and catalog paginate with n, last and Link", "[registry][handlers]")
{
    Harness h;
    pushImageBlobs(h, "app");
    const QByteArray manifest = imageManifest();
    for (const char *tag : {"t3", "t1", "t5", "t2", "t4"}) {
        REQUIRE(h.putManifest("app", tag, manifest)->status == 201);
    }

    auto all = h.send("GET", "/v2/app/tags/list");
    CHECK(all->status == 200);
    CHECK(all->json().value("name").toString() == "app");
    CHECK(all->json().value("tags").toArray() == QJsonArray{"t1", "t2", "t3", "t4", "t5"});
    CHECK(all->header("Link").isNull());

    auto page = h.send("GET", "/v2/app/tags/list?n=2");
    CHECK(page->json().value("tags").toArray() == QJsonArray{"t1", "t2"});
    CHECK(nextLinkTarget(*page) == "/v2/app/tags/list?n=2&last=t2");
    auto next = h.send("GET", "/v2/app/tags/list?n=2&last=t4");
    CHECK(next->json().value("tags").toArray() == QJsonArray{"t5"});
    CHECK(next->header("Link").isNull());
    auto exact = h.send("GET", "/v2/app/tags/list?n=5");
    CHECK(exact->json().value("tags").toArray().size() == 5);
    CHECK(exact->header("Link").isNull());
    auto zero = h.send("GET", "/v2/app/tags/list?n=0");
    CHECK(zero->status == 200);
    CHECK(zero->json().value("tags").toArray().isEmpty());
    CHECK(zero->header("Link").isNull());
    CHECK(h.send("GET", "/v2/app/tags/list?last=t3")->json().value("tags").toArray() == QJsonArray{"t4", "t5"});

    auto unknown = h.send("GET", "/v2/nope/tags/list");
    CHECK(unknown->status == 404);
    CHECK(unknown->errorCode() == "NAME_UNKNOWN");

    h.pushBlob("b/c", "x");
    h.pushBlob("a", "x");
    auto catalog = h.send("GET", "/v2/_catalog");
    CHECK(catalog->status == 200);
    CHECK(catalog->json().value("repositories").toArray() == QJsonArray{"a", "app", "b/c"});
    auto catalogPage = h.send("GET", "/v2/_catalog?n=2");
    CHECK(catalogPage->json().value("repositories").toArray() == QJsonArray{"a", "app"});
    CHECK(nextLinkTarget(*catalogPage) == "/v2/_catalog?n=2&last=app");
    CHECK(h.send("GET", "/v2/_catalog?n=2&last=app")->json().value("repositories").toArray() == QJsonArray{"b/c"});

    // The catalog shows only what the user may pull.
    h.registry->setAuthorizer(std::make_shared<DenyAuthorizer>(QStringLiteral("app")));
    CHECK(h.send("GET", "/v2/_catalog")->json().value("repositories").toArray() == QJsonArray{"a", "b/c"});
    auto denied = h.send("GET", "/v2/app/tags/list");
    CHECK(denied->status == 401);
    CHECK(denied->errorCode() == "UNAUTHORIZED");
}

TEST_CASE("Deletes: tag, manifest with its tags, blob", "[registry][handlers]")
{
    Harness h;
    pushImageBlobs(h, "app");
    const QByteArray manifest = imageManifest();
    const QByteArray d = Sha256Hasher::digestOf(manifest).toString().toLatin1();
    REQUIRE(h.putManifest("app", "v1", manifest)->status == 201);
    REQUIRE(h.putManifest("app", "latest", manifest)->status == 201);

    CHECK(h.send("DELETE", "/v2/app/manifests/latest")->status == 202);
    CHECK(h.send("GET", "/v2/app/manifests/latest")->status == 404);
    CHECK(h.send("GET", "/v2/app/manifests/" + d)->status == 200);
    CHECK(h.send("DELETE", "/v2/app/manifests/latest")->errorCode() == "MANIFEST_UNKNOWN");

    CHECK(h.send("DELETE", "/v2/app/manifests/" + d)->status == 202);
    CHECK(h.send("GET", "/v2/app/manifests/" + d)->status == 404);
    CHECK(h.send("GET", "/v2/app/manifests/v1")->status == 404);
    CHECK(h.send("GET", "/v2/app/tags/list")->json().value("tags").toArray().isEmpty());
    auto again = h.send("DELETE", "/v2/app/manifests/" + d);
    CHECK(again->status == 404);
    CHECK(again->errorCode() == "MANIFEST_UNKNOWN");
    auto noRepo = h.send("DELETE", "/v2/nope/manifests/" + d);
    CHECK(noRepo->status == 404);
    CHECK(noRepo->errorCode() == "NAME_UNKNOWN");

    const QByteArray layer = Sha256Hasher::digestOf(layerBytes).toString().toLatin1();
    h.pushBlob("other", layerBytes);
    CHECK(h.send("DELETE", "/v2/app/blobs/" + layer)->status == 202);
    CHECK(h.send("GET", "/v2/app/blobs/" + layer)->status == 404);
    CHECK(h.send("DELETE", "/v2/app/blobs/" + layer)->errorCode() == "BLOB_UNKNOWN");
    CHECK(h.send("GET", "/v2/other/blobs/" + layer)->status == 200); // shared bytes stay for the others
}

TEST_CASE("Referrers: an index of the manifests naming a subject, with artifactType filtering", "[registry][handlers]")
{
    Harness h;
    const Digest subject = Sha256Hasher::digestOf("image that was never pushed");
    h.pushBlob("app", "{}");
    for (const char *note : {"sbom", "signature", "untyped"}) {
        h.pushBlob("app", note);
    }
    const QByteArray sbom = artifact(subject, QStringLiteral("application/spdx+json"), QStringLiteral("sbom"));
    const QByteArray sig = artifact(subject, QStringLiteral("application/vnd.dev.sig"), QStringLiteral("signature"));
    const QByteArray untyped = artifact(subject, {}, QStringLiteral("untyped"));
    for (const QByteArray &m : {sbom, sig, untyped}) {
        REQUIRE(h.putManifest("app", Sha256Hasher::digestOf(m).toString().toLatin1(), m)->header("OCI-Subject") ==
                subject.toString().toLatin1());
    }

    const QByteArray path = "/v2/app/referrers/" + subject.toString().toLatin1();
    auto all = h.send("GET", path);
    CHECK(all->status == 200);
    CHECK(all->header("Content-Type") == ociIndex);
    CHECK(all->header("OCI-Filters-Applied").isNull());
    const QJsonObject index = all->json();
    CHECK(index.value("schemaVersion").toInt() == 2);
    CHECK(index.value("mediaType").toString() == ociIndex);
    const QJsonArray manifests = index.value("manifests").toArray();
    REQUIRE(manifests.size() == 3);
    QMap<QString, QJsonObject> byDigest;
    for (const auto &entry : manifests) {
        byDigest.insert(entry.toObject().value("digest").toString(), entry.toObject());
    }
    const QJsonObject sbomEntry = byDigest.value(Sha256Hasher::digestOf(sbom).toString());
    CHECK(sbomEntry.value("mediaType").toString() == ociManifest);
    CHECK(sbomEntry.value("size").toInteger() == sbom.size());
    CHECK(sbomEntry.value("artifactType").toString() == "application/spdx+json");
    CHECK(sbomEntry.value("annotations").toObject().value("note").toString() == "sbom");
    // No artifactType: the config's media type stands in (spec "Listing Referrers").
    CHECK(byDigest.value(Sha256Hasher::digestOf(untyped).toString()).value("artifactType").toString() ==
          "application/vnd.oci.empty.v1+json");

    auto filtered = h.send("GET", path + "?artifactType=application/spdx%2Bjson");
    CHECK(filtered->header("OCI-Filters-Applied") == "artifactType");
    REQUIRE(filtered->json().value("manifests").toArray().size() == 1);
    CHECK(filtered->json().value("manifests").toArray().first().toObject().value("digest").toString() ==
          Sha256Hasher::digestOf(sbom).toString());

    auto none = h.send("GET", "/v2/app/referrers/" + Sha256Hasher::digestOf("other").toString().toLatin1());
    CHECK(none->status == 200);
    CHECK(none->json().value("manifests").toArray().isEmpty());

    CHECK(h.send("DELETE", "/v2/app/manifests/" + Sha256Hasher::digestOf(sig).toString().toLatin1())->status == 202);
    CHECK(h.send("GET", path)->json().value("manifests").toArray().size() == 2);
}

TEST_CASE("Read-only mode refuses writes with 405 UNSUPPORTED and keeps reads", "[registry][handlers]")
{
    QTemporaryDir shared;
    QByteArray d;
    {
        Registry writable(shared.path(), [] {
            RegistryOptions o;
            o.fsync = false;
            return o;
        }());
        FakeExchange push("POST", "/v2/app/blobs/uploads/?digest=" + Sha256Hasher::digestOf("x").toString().toLatin1(),
                          "x");
        writable.handler()->handle(push);
        REQUIRE(push.status == 201);
        d = Sha256Hasher::digestOf("x").toString().toLatin1();
    }
    RegistryOptions options;
    options.readOnly = true;
    Registry registry(shared.path(), options);
    REQUIRE(registry.isOpen());
    const auto send = [&](const QByteArray &method, const QByteArray &target) {
        auto ex = std::make_unique<FakeExchange>(method, target);
        registry.handler()->handle(*ex);
        return ex;
    };
    for (const auto &[method, target] : {std::pair<QByteArray, QByteArray>{"POST", "/v2/app/blobs/uploads/"},
                                         {"PUT", "/v2/app/manifests/v1"},
                                         {"DELETE", "/v2/app/manifests/v1"},
                                         {"DELETE", "/v2/app/blobs/" + d}}) {
        INFO(method.toStdString() << " " << target.toStdString());
        auto ex = send(method, target);
        CHECK(ex->status == 405);
        CHECK(ex->errorCode() == "UNSUPPORTED");
        CHECK_FALSE(ex->bodyConsumed);
    }
    CHECK(send("GET", "/v2/app/blobs/" + d)->status == 200);
}
