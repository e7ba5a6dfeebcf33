// src/oci against what a real registry and a real client produce: skopeo pushes images built here to the
// CNCF reference registry; the manifests, digests and error bodies it serves are read back with src/oci.
#include "httpfetch.h"
#include "ocilayout.h"
#include "referenceregistry.h"

#include "oci/digest.h"
#include "oci/errorcode.h"
#include "oci/imageconfig.h"
#include "oci/manifest.h"
#include "oci/mediatype.h"
#include "oci/routes.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QTemporaryDir>

using namespace Minato::Test;
using namespace Minato::Oci;

TEST_CASE("Manifests pushed by skopeo keep their bytes and digests in the reference registry", "[e2e]")
{
    ReferenceRegistry registry;
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    QTemporaryDir dir;
    const OciLayoutImage image = OciLayoutImage::build(dir.filePath(QStringLiteral("layout")), QStringLiteral("v1"),
                                                       {{QStringLiteral("etc/motd"), QByteArray("welcome to minato\n")},
                                                        {QStringLiteral("bin/hello"), QByteArray(4096, 'x')}});
    REQUIRE(image.ok);

    SECTION("an OCI image manifest is served byte for byte with its digest")
    {
        const QString dest = QStringLiteral("docker://%1/e2e/oci-image:v1").arg(registry.hostPort());
        const ProcessResult copy = runSkopeo(
            {QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"), image.skopeoReference(), dest});
        INFO(copy.output.toStdString());
        REQUIRE(copy.exitCode == 0);

        const Routes routes;
        const QUrl url = urlOn(registry.baseUrl(), routes.path(Endpoint::GetManifest, u"e2e/oci-image", u"v1"));
        const HttpResult get = httpFetch("GET", url, {{"Accept", manifestAccept()}});
        REQUIRE(get.status == 200);
        CHECK(get.body == image.manifest);
        const auto parsed = parseAnyManifest(get.body, QString::fromLatin1(get.header("Content-Type")));
        REQUIRE(parsed.hasValue());
        REQUIRE(std::holds_alternative<Manifest>(*parsed));
        const Manifest &manifest = std::get<Manifest>(*parsed);
        CHECK(manifest.config.digest.toString() == image.configDigest);
        REQUIRE(manifest.layers.size() == 1);
        CHECK(manifest.layers.first().digest.toString() == image.layerDigest);
        CHECK(manifest.layers.first().size == image.layerSize);
        CHECK(manifest.digest.toString() == image.manifestDigest);
        CHECK(get.header("Content-Type") == "application/vnd.oci.image.manifest.v1+json");
        const Digest served = Digest::parse(QString::fromLatin1(get.header("Docker-Content-Digest"))).value();
        CHECK(served == Sha256Hasher::digestOf(get.body));
        CHECK(served.toString() == image.manifestDigest);

        // The config blob comes back with the digest skopeo was given.
        const HttpResult config = httpFetch(
            "GET", urlOn(registry.baseUrl(), routes.path(Endpoint::GetBlob, u"e2e/oci-image", image.configDigest)));
        REQUIRE(config.status == 200);
        CHECK(Sha256Hasher::digestOf(config.body).toString() == image.configDigest);
        const auto parsedConfig = ImageConfig::parse(config.body);
        REQUIRE(parsedConfig.hasValue());
        CHECK(parsedConfig->platformString() == QStringLiteral("linux/amd64"));
        REQUIRE(parsedConfig->diffIds.size() == 1);
        CHECK(parsedConfig->diffIds.first().toString() == image.diffId);

        // A manifest that does not exist: the registry's error body parses to MANIFEST_UNKNOWN.
        const HttpResult missing =
            httpFetch("GET", urlOn(registry.baseUrl(), routes.path(Endpoint::GetManifest, u"e2e/oci-image", u"nope")),
                      {{"Accept", manifestAccept()}});
        CHECK(missing.status == 404);
        const auto body = ErrorBody::parse(missing.body, missing.status);
        REQUIRE(body.hasValue());
        CHECK(body->errors.first().errorCode() == ErrorCode::ManifestUnknown);
        CHECK(errorHttpStatus(ErrorCode::ManifestUnknown) == missing.status);

        // Without the OCI type in Accept this registry pretends the manifest does not exist.
        const HttpResult narrow =
            httpFetch("HEAD", url, {{"Accept", "application/vnd.docker.distribution.manifest.v2+json"}});
        CHECK(narrow.status == 404);
    }

    SECTION("a Docker schema 2 conversion is served with its own digest")
    {
        const QString dest = QStringLiteral("docker://%1/e2e/docker-image:v1").arg(registry.hostPort());
        const ProcessResult copy =
            runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"), QStringLiteral("--format"),
                       QStringLiteral("v2s2"), image.skopeoReference(), dest});
        INFO(copy.output.toStdString());
        REQUIRE(copy.exitCode == 0);

        const QUrl url = urlOn(registry.baseUrl(), Routes().path(Endpoint::GetManifest, u"e2e/docker-image", u"v1"));
        const HttpResult get = httpFetch("GET", url, {{"Accept", manifestAccept()}});
        REQUIRE(get.status == 200);
        CHECK(get.header("Content-Type") == "application/vnd.docker.distribution.manifest.v2+json");
        const auto parsed = parseAnyManifest(get.body, QString::fromLatin1(get.header("Content-Type")));
        REQUIRE(parsed.hasValue());
        REQUIRE(std::holds_alternative<Manifest>(*parsed));
        const Manifest &manifest = std::get<Manifest>(*parsed);
        CHECK(manifest.isDocker());
        CHECK(MediaType::equals(manifest.config.mediaType, MediaType::DockerConfig));
        CHECK(manifest.layers.first().digest.toString() == image.layerDigest);
        CHECK(Digest::parse(QString::fromLatin1(get.header("Docker-Content-Digest"))).value() ==
              Sha256Hasher::digestOf(get.body));
        CHECK(get.body != image.manifest);
    }
}
