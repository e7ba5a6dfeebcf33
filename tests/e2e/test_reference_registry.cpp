// src/oci against what a real registry and a real client produce: skopeo pushes images built here to the
// CNCF reference registry; the manifests, digests and error bodies it serves are read back with src/oci.
#include "httpfetch.h"
#include "ocilayout.h"
#include "referenceregistry.h"

#include "oci/digest.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QTemporaryDir>

using namespace Minato::Test;
using Minato::Oci::Digest;
using Minato::Oci::Sha256Hasher;

namespace {

// Every manifest type a client must accept: the reference registry answers 404 for an OCI manifest when
// Accept lacks the OCI type (PLATFORM.md).
const QByteArray kManifestAccept = "application/vnd.oci.image.index.v1+json, "
                                   "application/vnd.oci.image.manifest.v1+json, "
                                   "application/vnd.docker.distribution.manifest.list.v2+json, "
                                   "application/vnd.docker.distribution.manifest.v2+json, "
                                   "application/vnd.docker.distribution.manifest.v1+prettyjws, "
                                   "application/vnd.docker.distribution.manifest.v1+json";

struct Pushed
{
    OciLayoutImage image;
    QString reference; // docker://host:port/repo:tag
};

} // namespace

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
        const ProcessResult copy = runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"),
                                              image.skopeoReference(), dest});
        INFO(copy.output.toStdString());
        REQUIRE(copy.exitCode == 0);

        const QUrl url(registry.baseUrl().toString() + QStringLiteral("/v2/e2e/oci-image/manifests/v1"));
        const HttpResult get = httpFetch("GET", url, {{"Accept", kManifestAccept}});
        REQUIRE(get.status == 200);
        CHECK(get.body == image.manifest);
        CHECK(get.header("Content-Type") == "application/vnd.oci.image.manifest.v1+json");
        const Digest served = Digest::parse(QString::fromLatin1(get.header("Docker-Content-Digest"))).value();
        CHECK(served == Sha256Hasher::digestOf(get.body));
        CHECK(served.toString() == image.manifestDigest);

        // The config blob comes back with the digest skopeo was given.
        const QUrl configUrl(registry.baseUrl().toString() + QStringLiteral("/v2/e2e/oci-image/blobs/") +
                             image.configDigest);
        const HttpResult config = httpFetch("GET", configUrl);
        REQUIRE(config.status == 200);
        CHECK(Sha256Hasher::digestOf(config.body).toString() == image.configDigest);

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

        const QUrl url(registry.baseUrl().toString() + QStringLiteral("/v2/e2e/docker-image/manifests/v1"));
        const HttpResult get = httpFetch("GET", url, {{"Accept", kManifestAccept}});
        REQUIRE(get.status == 200);
        CHECK(get.header("Content-Type") == "application/vnd.docker.distribution.manifest.v2+json");
        CHECK(Digest::parse(QString::fromLatin1(get.header("Docker-Content-Digest"))).value() ==
              Sha256Hasher::digestOf(get.body));
        CHECK(get.body != image.manifest);
    }
}
