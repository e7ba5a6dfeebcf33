// ImageInspector against the CNCF reference registry: images and indexes pushed by skopeo (an index with a
// buildx-style attestation entry among them), platforms resolved or listed, sizes and the config summary,
// exactly one finished() (also on cancel), and bytes that no longer match their digest — the registry's own
// storage corrupted on disk — refused.
#include "clienttestsupport.h"
#include "ocilayout.h"
#include "referenceregistry.h"
#include "testsupport.h"

#include "client/imageinspector.h"
#include "client/registryclient.h"

#include "oci/sha256.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Minato::Client;
using namespace Minato::Test;

namespace {

struct Fixture
{
    ReferenceRegistry registry;
    QTemporaryDir dir;
    OciLayoutImage single;
    OciLayoutIndex multi;
    QString attestedDigest; // an index of amd64 plus an attestation entry, pushed as cli/multi:att
    std::unique_ptr<RegistryClient> client;

    Fixture()
    {
        if (!registry.start()) {
            FAIL(registry.errorString().toStdString());
        }
        single = OciLayoutImage::build(dir.filePath(QStringLiteral("single")), QStringLiteral("v1"),
                                       {{QStringLiteral("a.txt"), QByteArray(5000, 'a')}});
        REQUIRE(single.ok);
        multi = OciLayoutIndex::build(dir.filePath(QStringLiteral("multi")), QStringLiteral("v1"),
                                      {{QStringLiteral("b.txt"), QByteArray("multi\n")}});
        REQUIRE(multi.ok);
        addAttestedIndex();
        const QString target = QStringLiteral("docker://%1/inspect/").arg(registry.hostPort());
        for (const QStringList &args :
             {QStringList{single.skopeoReference(), target + QStringLiteral("single:v1")},
              QStringList{QStringLiteral("--all"), multi.skopeoReference(), target + QStringLiteral("multi:v1")},
              QStringList{QStringLiteral("--all"), QStringLiteral("oci:") + multi.layoutDir + QStringLiteral(":att"),
                          target + QStringLiteral("multi:att")}}) {
            const ProcessResult push =
                runSkopeo(QStringList{QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false")} + args);
            INFO(push.output.toStdString());
            REQUIRE(push.exitCode == 0);
        }
        ConnectionProfile profile;
        profile.name = QStringLiteral("reference");
        profile.baseUrl = registry.baseUrl();
        client = std::make_unique<RegistryClient>(profile);
    }

    // buildx's layout: the image entry, then an attestation manifest under unknown/unknown that refers to it
    // (here the arm64 image stands in for the attestation manifest: any manifest the registry has will do).
    void addAttestedIndex()
    {
        const OciLayoutImage &amd = multi.images.at(0);
        const OciLayoutImage &stand = multi.images.at(1);
        const QJsonObject index{
            {QStringLiteral("schemaVersion"), 2},
            {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.index.v1+json")},
            {QStringLiteral("manifests"),
             QJsonArray{
                 QJsonObject{
                     {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
                     {QStringLiteral("digest"), amd.manifestDigest},
                     {QStringLiteral("size"), amd.manifest.size()},
                     {QStringLiteral("platform"),
                      QJsonObject{{QStringLiteral("os"), QStringLiteral("linux")},
                                  {QStringLiteral("architecture"), QStringLiteral("amd64")}}}},
                 QJsonObject{
                     {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
                     {QStringLiteral("digest"), stand.manifestDigest},
                     {QStringLiteral("size"), stand.manifest.size()},
                     {QStringLiteral("platform"),
                      QJsonObject{{QStringLiteral("os"), QStringLiteral("unknown")},
                                  {QStringLiteral("architecture"), QStringLiteral("unknown")}}},
                     {QStringLiteral("annotations"),
                      QJsonObject{{QStringLiteral("vnd.docker.reference.type"), QStringLiteral("attestation-manifest")},
                                  {QStringLiteral("vnd.docker.reference.digest"), amd.manifestDigest}}}},
             }},
        };
        const QByteArray bytes = QJsonDocument(index).toJson(QJsonDocument::Compact);
        attestedDigest = Minato::Oci::Sha256Hasher::digestOf(bytes).toString();
        QFile blob(multi.layoutDir + QStringLiteral("/blobs/sha256/") + attestedDigest.mid(7));
        REQUIRE(blob.open(QIODevice::WriteOnly));
        blob.write(bytes);
        blob.close();
        QFile layoutIndex(multi.layoutDir + QStringLiteral("/index.json"));
        REQUIRE(layoutIndex.open(QIODevice::ReadOnly));
        QJsonObject top = QJsonDocument::fromJson(layoutIndex.readAll()).object();
        layoutIndex.close();
        QJsonArray manifests = top.value(QStringLiteral("manifests")).toArray();
        manifests.append(
            QJsonObject{{QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.index.v1+json")},
                        {QStringLiteral("digest"), attestedDigest},
                        {QStringLiteral("size"), bytes.size()},
                        {QStringLiteral("annotations"),
                         QJsonObject{{QStringLiteral("org.opencontainers.image.ref.name"), QStringLiteral("att")}}}});
        top.insert(QStringLiteral("manifests"), manifests);
        REQUIRE(layoutIndex.open(QIODevice::WriteOnly | QIODevice::Truncate));
        layoutIndex.write(QJsonDocument(top).toJson(QJsonDocument::Compact));
    }

    InspectionResult inspect(const QString &repo, const QString &reference, ImageInspector::Options options = {},
                             int *count = nullptr)
    {
        auto *inspector = new ImageInspector(client.get(), repo, reference, options, client.get());
        const auto r = runToEnd<ImageInspector, InspectionResult>(inspector, 60000, count);
        REQUIRE(r.has_value());
        inspector->deleteLater();
        return *r;
    }

    // Overwrites a blob (a manifest or config) in the registry's storage with other bytes of the same length.
    void corruptBlob(const QString &digest)
    {
        const QString hex = digest.mid(7);
        QFile data(registry.storageDir() + QStringLiteral("/docker/registry/v2/blobs/sha256/") + hex.left(2) + u'/' +
                   hex + QStringLiteral("/data"));
        REQUIRE(data.open(QIODevice::ReadWrite));
        QByteArray bytes = data.readAll();
        REQUIRE(!bytes.isEmpty());
        // Another hex digit in the last digest it contains: still well-formed JSON, only the hash differs.
        const qsizetype at = bytes.lastIndexOf("sha256:") + 7;
        REQUIRE(at > 7);
        bytes[at] = bytes[at] == '0' ? '1' : '0';
        data.seek(0);
        data.write(bytes);
    }
};

ImageInspector::Options forPlatform(const QString &platform)
{
    ImageInspector::Options options;
    options.platform = Minato::Oci::Platform::parse(platform).toOptional();
    return options;
}

} // namespace

TEST_CASE("ImageInspector: single images, indexes, attestations and platforms on the reference registry",
          "[client][inspect]")
{
    Fixture f;

    SECTION("a single image: layers, sizes and config summary")
    {
        int count = 0;
        const InspectionResult r = f.inspect(QStringLiteral("inspect/single"), QStringLiteral("v1"), {}, &count);
        CHECK(count == 1);
        INFO((r ? std::string() : r.error().technicalDetail().toStdString()));
        REQUIRE(r);
        CHECK(r->digest.toString() == f.single.manifestDigest);
        CHECK(r->raw == f.single.manifest);
        CHECK_FALSE(r->isIndex);
        REQUIRE(r->image);
        const InspectedImage &image = *r->image;
        CHECK(image.manifestDigest.toString() == f.single.manifestDigest);
        REQUIRE(image.layers.size() == 1);
        CHECK(image.layers.at(0).digest.toString() == f.single.layerDigest);
        CHECK(image.layers.at(0).size == f.single.layerSize);
        CHECK(image.layersSize() == f.single.layerSize);
        CHECK(image.totalSize() == f.single.layerSize + f.single.config.size());
        CHECK(image.configRaw == f.single.config);
        REQUIRE(image.config);
        CHECK(image.config->container.cmd == QStringList{QStringLiteral("/bin/sh")});
        REQUIRE(image.platform);
        CHECK(image.platform->toString() == QStringLiteral("linux/amd64"));
        // By digest, and with a platform that matches it.
        CHECK(f.inspect(QStringLiteral("inspect/single"), f.single.manifestDigest,
                        forPlatform(QStringLiteral("linux/amd64")))
                  ->image.has_value());
        // A single image of another platform is not there for that platform.
        const InspectionResult other = f.inspect(QStringLiteral("inspect/single"), QStringLiteral("v1"),
                                                 forPlatform(QStringLiteral("linux/arm64")));
        REQUIRE_FALSE(other);
        CHECK(other.error().kind() == ClientError::Kind::NotFound);
    }

    SECTION("an index of two platforms: listed, or resolved with a platform")
    {
        const InspectionResult listed = f.inspect(QStringLiteral("inspect/multi"), QStringLiteral("v1"));
        REQUIRE(listed);
        CHECK(listed->isIndex);
        CHECK(listed->digest.toString() == f.multi.indexDigest);
        CHECK_FALSE(listed->image);
        REQUIRE(listed->platforms.size() == 2);
        CHECK(listed->platforms.at(1).platform->toString() == QStringLiteral("linux/arm64/v8"));
        CHECK(listed->attestations.isEmpty());

        const InspectionResult arm = f.inspect(QStringLiteral("inspect/multi"), QStringLiteral("v1"),
                                               forPlatform(QStringLiteral("linux/arm64")));
        REQUIRE(arm);
        REQUIRE(arm->image);
        CHECK(arm->image->manifestDigest.toString() == f.multi.images.at(1).manifestDigest);
        CHECK(arm->image->configRaw == f.multi.images.at(1).config);
        CHECK(arm->image->layersSize() == f.multi.images.at(1).layerSize);

        ImageInspector::Options noConfig = forPlatform(QStringLiteral("linux/amd64"));
        noConfig.fetchConfig = false;
        const InspectionResult manifestOnly =
            f.inspect(QStringLiteral("inspect/multi"), QStringLiteral("v1"), noConfig);
        REQUIRE(manifestOnly);
        CHECK(manifestOnly->image->manifestRaw == f.multi.images.at(0).manifest);
        CHECK(manifestOnly->image->configRaw.isEmpty());

        const InspectionResult missing = f.inspect(QStringLiteral("inspect/multi"), QStringLiteral("v1"),
                                                   forPlatform(QStringLiteral("windows/amd64")));
        REQUIRE_FALSE(missing);
        CHECK(missing.error().kind() == ClientError::Kind::NotFound);
        CHECK(missing.error().technicalDetail().contains(QStringLiteral("linux/arm64/v8")));
    }

    SECTION("attestation entries are kept apart; the one image left is resolved")
    {
        const InspectionResult r = f.inspect(QStringLiteral("inspect/multi"), QStringLiteral("att"));
        INFO((r ? std::string() : r.error().technicalDetail().toStdString()));
        REQUIRE(r);
        CHECK(r->digest.toString() == f.attestedDigest);
        REQUIRE(r->platforms.size() == 1);
        REQUIRE(r->attestations.size() == 1);
        CHECK(r->attestations.at(0).attestation);
        CHECK(r->attestations.at(0).attests.toString() == f.multi.images.at(0).manifestDigest);
        REQUIRE(r->image);
        CHECK(r->image->manifestDigest.toString() == f.multi.images.at(0).manifestDigest);
    }

    SECTION("not found, and cancel")
    {
        const InspectionResult missing = f.inspect(QStringLiteral("inspect/none"), QStringLiteral("v1"));
        REQUIRE_FALSE(missing);
        CHECK(missing.error().kind() == ClientError::Kind::NotFound);

        auto *inspector = new ImageInspector(f.client.get(), QStringLiteral("inspect/single"), QStringLiteral("v1"), {},
                                             f.client.get());
        QList<InspectionResult> results;
        QObject::connect(inspector, &ImageInspector::finished, inspector,
                         [&results](const InspectionResult &r) { results.append(r); });
        inspector->start();
        inspector->cancel();
        REQUIRE(results.size() == 1);
        CHECK(results.at(0).isCancelled());
        QTest::qWait(200); // nothing more arrives from the aborted request
        CHECK(results.size() == 1);
        delete inspector;
    }

    SECTION("bytes that do not hash to their digest are refused")
    {
        f.corruptBlob(f.single.configDigest);
        const InspectionResult config = f.inspect(QStringLiteral("inspect/single"), QStringLiteral("v1"));
        REQUIRE_FALSE(config);
        CHECK(config.error().invalidReason() == ClientError::Invalid::DigestMismatch);

        f.corruptBlob(f.multi.images.at(1).manifestDigest);
        const InspectionResult child = f.inspect(QStringLiteral("inspect/multi"), QStringLiteral("v1"),
                                                 forPlatform(QStringLiteral("linux/arm64")));
        REQUIRE_FALSE(child);
        CHECK(child.error().invalidReason() == ClientError::Invalid::DigestMismatch);
    }
}
