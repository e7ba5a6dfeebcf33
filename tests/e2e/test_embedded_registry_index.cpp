// minato-registry and multi-arch images: skopeo pushes an OCI image index (linux/amd64 + linux/arm64/v8)
// with --all, the registry serves the index and both children byte for byte, skopeo reads it back, a Docker
// manifest list conversion is served with its own media type, and deleting a child the index references
// shows what the server does (distribution-spec leaves it to the registry).
#include "embeddedregistryprocess.h"
#include "httpfetch.h"
#include "ocilayout.h"

#include "oci/imageindex.h"
#include "oci/manifest.h"
#include "oci/mediatype.h"
#include "oci/platform.h"
#include "oci/routes.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <variant>

using namespace Minato::Test;
using namespace Minato::Oci;

namespace {

QStringList platformsOf(const HttpResult &result)
{
    const auto any = parseAnyManifest(result.body, QString::fromLatin1(result.header("Content-Type")));
    if (!any) {
        return {QStringLiteral("parse error: ") + any.error().message()};
    }
    const ImageIndex *index = std::get_if<ImageIndex>(&*any);
    if (index == nullptr) {
        return {QStringLiteral("not an index")};
    }
    QStringList out;
    for (const Platform &platform : index->platforms()) {
        out.append(platform.toString());
    }
    return out;
}

} // namespace

TEST_CASE("skopeo copy --all pushes an OCI image index to minato-registry and back, digests preserved", "[e2e]")
{
    EmbeddedRegistryProcess registry;
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    QTemporaryDir dir;
    const OciLayoutIndex multi = OciLayoutIndex::build(dir.filePath(QStringLiteral("layout")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("minato multi\n")},
                                                        {QStringLiteral("bin/tool"), QByteArray(200000, 'm')}});
    INFO(multi.error.toStdString());
    REQUIRE(multi.ok);
    REQUIRE(multi.images.size() == 2);
    REQUIRE(multi.images.at(0).manifestDigest != multi.images.at(1).manifestDigest);
    const QString repo = QStringLiteral("docker://%1/e2e/multi").arg(registry.hostPort());
    const Routes routes;

    ProcessResult push =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--dest-tls-verify=false"),
                   multi.skopeoReference(), repo + QStringLiteral(":v1")});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);

    // The tag serves the exact index bytes, typed and addressed.
    const HttpResult get =
        httpFetch("GET", urlOn(registry.baseUrl(), routes.path(Endpoint::GetManifest, u"e2e/multi", u"v1")),
                  {{"Accept", manifestAccept()}});
    REQUIRE(get.status == 200);
    CHECK(get.body == multi.index);
    CHECK(get.header("Content-Type") == "application/vnd.oci.image.index.v1+json");
    CHECK(get.header("Docker-Content-Digest") == multi.indexDigest.toLatin1());
    CHECK(platformsOf(get) == QStringList{QStringLiteral("linux/amd64"), QStringLiteral("linux/arm64/v8")});

    // Both children, by digest.
    for (const OciLayoutImage &image : multi.images) {
        const HttpResult child = httpFetch(
            "GET", urlOn(registry.baseUrl(), routes.path(Endpoint::GetManifest, u"e2e/multi", image.manifestDigest)),
            {{"Accept", manifestAccept()}});
        CHECK(child.status == 200);
        CHECK(child.body == image.manifest);
        CHECK(child.header("Content-Type") == "application/vnd.oci.image.manifest.v1+json");
        CHECK(child.header("Docker-Content-Digest") == image.manifestDigest.toLatin1());
    }

    // skopeo inspect --raw sees the index itself.
    const ProcessResult raw = runSkopeo({QStringLiteral("inspect"), QStringLiteral("--raw"),
                                         QStringLiteral("--tls-verify=false"), repo + QStringLiteral(":v1")});
    INFO(raw.output.toStdString());
    REQUIRE(raw.exitCode == 0);
    CHECK(raw.output.toUtf8().trimmed() == multi.index);

    // Pull everything back into a fresh layout: the same index and the same blobs.
    const QString pulled = dir.filePath(QStringLiteral("pulled"));
    const ProcessResult pull =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--src-tls-verify=false"),
                   repo + QStringLiteral(":v1"), QStringLiteral("oci:") + pulled + QStringLiteral(":v1")});
    INFO(pull.output.toStdString());
    REQUIRE(pull.exitCode == 0);
    const QJsonArray pulledEntries = QJsonDocument::fromJson(readFile(pulled + QStringLiteral("/index.json")))
                                         .object()
                                         .value(QStringLiteral("manifests"))
                                         .toArray();
    REQUIRE(pulledEntries.size() == 1);
    CHECK(pulledEntries.at(0).toObject().value(QStringLiteral("digest")).toString() == multi.indexDigest);
    QStringList digests{multi.indexDigest};
    for (const OciLayoutImage &image : multi.images) {
        digests += {image.manifestDigest, image.configDigest, image.layerDigest};
    }
    for (const QString &digest : digests) {
        const QByteArray bytes = readFile(pulled + QStringLiteral("/blobs/sha256/") + digest.mid(7));
        INFO(digest.toStdString());
        CHECK(Sha256Hasher::digestOf(bytes).toString() == digest);
    }

    CHECK(registry.stop() == 0);
}

TEST_CASE("minato-registry serves a Docker manifest list pushed with skopeo copy --all --format v2s2", "[e2e]")
{
    EmbeddedRegistryProcess registry;
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    QTemporaryDir dir;
    const OciLayoutIndex multi = OciLayoutIndex::build(dir.filePath(QStringLiteral("layout")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("docker list\n")}});
    REQUIRE(multi.ok);
    const QString repo = QStringLiteral("docker://%1/e2e/multi-docker").arg(registry.hostPort());
    const Routes routes;

    const ProcessResult push =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--format"), QStringLiteral("v2s2"),
                   QStringLiteral("--dest-tls-verify=false"), multi.skopeoReference(), repo + QStringLiteral(":v1")});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);

    const HttpResult get =
        httpFetch("GET", urlOn(registry.baseUrl(), routes.path(Endpoint::GetManifest, u"e2e/multi-docker", u"v1")),
                  {{"Accept", manifestAccept()}});
    REQUIRE(get.status == 200);
    CHECK(get.header("Content-Type") == "application/vnd.docker.distribution.manifest.list.v2+json");
    CHECK(get.header("Docker-Content-Digest") == Sha256Hasher::digestOf(get.body).toString().toLatin1());
    CHECK(platformsOf(get) == QStringList{QStringLiteral("linux/amd64"), QStringLiteral("linux/arm64/v8")});

    // The children were converted too: Docker schema 2 manifests, each retrievable by its digest.
    const auto list = ImageIndex::parse(get.body, QString::fromLatin1(get.header("Content-Type")));
    REQUIRE(list);
    CHECK(list->isDocker());
    REQUIRE(list->manifests.size() == 2);
    for (const Descriptor &entry : list->manifests) {
        CHECK(entry.mediaType == QStringLiteral("application/vnd.docker.distribution.manifest.v2+json"));
        const HttpResult child = httpFetch(
            "GET",
            urlOn(registry.baseUrl(), routes.path(Endpoint::GetManifest, u"e2e/multi-docker", entry.digest.toString())),
            {{"Accept", manifestAccept()}});
        CHECK(child.status == 200);
        CHECK(child.header("Content-Type") == "application/vnd.docker.distribution.manifest.v2+json");
        CHECK(Sha256Hasher::digestOf(child.body) == entry.digest);
    }

    CHECK(registry.stop() == 0);
}

TEST_CASE("minato-registry: deleting a child manifest that an index references", "[e2e]")
{
    // Observed behaviour, pinned here (distribution-spec "Deleting Manifests" does not require a registry to
    // refuse it): the DELETE succeeds with 202, the child is gone (404), and the index that references it is
    // still served unchanged under its tag; it now dangles.
    EmbeddedRegistryProcess registry;
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    QTemporaryDir dir;
    const OciLayoutIndex multi = OciLayoutIndex::build(dir.filePath(QStringLiteral("layout")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("delete child\n")}});
    REQUIRE(multi.ok);
    const QString repo = QStringLiteral("docker://%1/e2e/multi-delete").arg(registry.hostPort());
    const Routes routes;
    const ProcessResult push =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--dest-tls-verify=false"),
                   multi.skopeoReference(), repo + QStringLiteral(":v1")});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);

    const QString childDigest = multi.images.at(1).manifestDigest;
    const QUrl childUrl =
        urlOn(registry.baseUrl(), routes.path(Endpoint::GetManifest, u"e2e/multi-delete", childDigest));
    const HttpResult del = httpFetch("DELETE", childUrl);
    INFO(del.body.toStdString());
    CHECK(del.status == 202);
    CHECK(httpFetch("GET", childUrl, {{"Accept", manifestAccept()}}).status == 404);

    const HttpResult index =
        httpFetch("GET", urlOn(registry.baseUrl(), routes.path(Endpoint::GetManifest, u"e2e/multi-delete", u"v1")),
                  {{"Accept", manifestAccept()}});
    CHECK(index.status == 200);
    CHECK(index.body == multi.index);
    const HttpResult sibling =
        httpFetch("GET",
                  urlOn(registry.baseUrl(),
                        routes.path(Endpoint::GetManifest, u"e2e/multi-delete", multi.images.at(0).manifestDigest)),
                  {{"Accept", manifestAccept()}});
    CHECK(sibling.status == 200);

    // skopeo cannot copy the whole index any more: one child is missing.
    const ProcessResult pull =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--all"), QStringLiteral("--src-tls-verify=false"),
                   repo + QStringLiteral(":v1"),
                   QStringLiteral("oci:") + dir.filePath(QStringLiteral("pulled")) + QStringLiteral(":v1")});
    INFO(pull.output.toStdString());
    CHECK(pull.exitCode != 0);

    CHECK(registry.stop() == 0);
}
