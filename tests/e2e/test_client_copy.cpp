// Copying images between real registries — minato-registry and the CNCF reference registry (distribution 2.8,
// no referrers API): a multi-arch index with a buildx attestation and an image with OCI 1.1 referrers, both
// ways (digests identical, read back with skopeo inspect --raw; referrers found on the target through its API or
// the referrers tag schema the copy wrote); mounts within one registry; a platform subset (a new index, said so);
// a copy interrupted and run again (finished blobs not sent twice); and a source serving bytes that do not match
// their digest (a stand-in: no real registry does that on cue), refused with nothing visible in the target.
#include "embeddedregistryprocess.h"
#include "httpfetch.h"
#include "ocilayout.h"
#include "referenceregistry.h"
#include "registrycontent.h"
#include "sampleimages.h"
#include "standinserver.h"

#include "client/copyjob.h"
#include "client/imagegraph.h"
#include "client/manifestquery.h"
#include "client/referrersquery.h"
#include "client/registryclient.h"
#include "oci/imageindex.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>

#include <memory>

using namespace Minato::Client;
using namespace Minato::Test;
using Minato::Oci::Digest;
using Minato::Oci::Sha256Hasher;

namespace {

constexpr int kTimeoutMs = 120000; // a copy, or a query, run to its end

CopyResult copy(RegistryClient *from, const QString &repository, const QString &reference, RegistryClient *to,
                const QString &targetRepository, const QString &targetTag, CopyJob::Options options = {},
                QList<CopyProgress> *progress = nullptr)
{
    CopyJob::Image src;
    src.repository = repository;
    src.reference = reference;
    CopyJob::Image dst;
    dst.repository = targetRepository;
    dst.reference = targetTag;
    CopyJob job(from, src, to, dst, options);
    if (progress) {
        QObject::connect(&job, &CopyJob::progress, &job, [progress](const CopyProgress &p) { progress->append(p); });
    }
    const auto r = runToEnd<CopyJob, CopyResult>(&job, kTimeoutMs);
    REQUIRE(r);
    return *r;
}

QString why(const CopyResult &r)
{
    return r ? QString() : r.error().message() + QStringLiteral(" — ") + r.error().technicalDetail();
}

QSet<QString> referrerDigests(RegistryClient *client, const QString &repository, const Digest &subject)
{
    auto *query = new ReferrersQuery(client, repository, subject, {}, client);
    const auto r = runToEnd<ReferrersQuery, ReferrersResult>(query, kTimeoutMs);
    query->deleteLater();
    REQUIRE(r);
    INFO((r->hasValue() ? QString() : r->error().technicalDetail()).toStdString());
    REQUIRE(r->hasValue());
    QSet<QString> digests;
    for (const Referrer &referrer : r->value().referrers) {
        digests.insert(referrer.descriptor.digest.toString());
    }
    return digests;
}

struct BigImage
{
    QByteArray manifest;
    QByteArray config;
    QList<QByteArray> layers;
};

// An image of `count` random (incompressible) layers of `size` bytes each, tagged `tag`.
BigImage pushBigImage(const QUrl &base, const QString &repository, const QString &tag, int count, qsizetype size)
{
    BigImage image;
    QJsonArray layers;
    for (int i = 0; i < count; ++i) {
        QByteArray bytes(size, Qt::Uninitialized);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), size / 4);
        pushBlob(base, repository, bytes);
        layers.append(descriptorOf(QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip"), bytes));
        image.layers.append(bytes);
    }
    image.config = QJsonDocument(QJsonObject{{QStringLiteral("architecture"), QStringLiteral("amd64")},
                                             {QStringLiteral("os"), QStringLiteral("linux")},
                                             {QStringLiteral("rootfs"),
                                              QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                                          {QStringLiteral("diff_ids"), QJsonArray()}}}})
                       .toJson(QJsonDocument::Compact);
    pushBlob(base, repository, image.config);
    image.manifest =
        QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                  {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
                                  {QStringLiteral("config"),
                                   descriptorOf(QStringLiteral("application/vnd.oci.image.config.v1+json"), image.config)},
                                  {QStringLiteral("layers"), layers}})
            .toJson(QJsonDocument::Compact);
    putManifest(base, repository, tag, image.manifest, "application/vnd.oci.image.manifest.v1+json");
    return image;
}

} // namespace

TEST_CASE("CopyJob: an index with an attestation and an image with referrers, minato-registry ⇄ reference registry",
          "[client][copy][e2e]")
{
    EmbeddedRegistryProcess minato;
    REQUIRE(minato.start());
    ReferenceRegistry reference;
    INFO(reference.errorString().toStdString());
    REQUIRE(reference.start());
    SampleImages samples(minato.baseUrl());
    QString error;
    INFO(error.toStdString());
    REQUIRE(samples.pushDemoSet(&error));

    RegistryClient fromMinato(profileFor(minato.baseUrl(), ConnectionProfile::DefaultTimeoutMs));
    RegistryClient toReference(profileFor(reference.baseUrl(), ConnectionProfile::DefaultTimeoutMs));

    const Digest nginx = *Digest::parse(samples.digestOf(QStringLiteral("library/nginx:1.27")));
    const Digest api = *Digest::parse(samples.digestOf(QStringLiteral("team-a/api:v1.2.3")));
    const QSet<QString> apiReferrers = referrerDigests(&fromMinato, QStringLiteral("team-a/api"), api);
    REQUIRE(apiReferrers.size() == 2); // the demo set's signature and SBOM

    SECTION("to the reference registry, then back into minato-registry")
    {
        CopyJob::Options options;
        options.referrers = true;
        QList<CopyProgress> progress;
        const CopyResult index = copy(&fromMinato, QStringLiteral("library/nginx"), QStringLiteral("1.27"),
                                      &toReference, QStringLiteral("mirror/nginx"), {}, options, &progress);
        INFO(why(index).toStdString());
        REQUIRE(index);
        CHECK(index->digest == nginx);
        CHECK(index->targetReference == QStringLiteral("1.27")); // the source's tag
        CHECK(index->manifestsPushed == 5);                       // three platforms, the attestation, the index
        CHECK(index->blobsCopied > 0);
        CHECK(index->blobsMounted == 0);
        CHECK_FALSE(index->originalDigest.isValid());
        CHECK(skopeoDigest(reference.hostPort(), QStringLiteral("mirror/nginx:1.27")) == nginx);
        REQUIRE_FALSE(progress.isEmpty());
        CHECK(progress.constLast().doneBytes == progress.constLast().totalBytes);
        CHECK(progress.constLast().blobsDone == progress.constLast().blobsTotal);

        const CopyResult signed_ = copy(&fromMinato, QStringLiteral("team-a/api"), QStringLiteral("v1.2.3"),
                                        &toReference, QStringLiteral("mirror/api"), QStringLiteral("stable"), options);
        INFO(why(signed_).toStdString());
        REQUIRE(signed_);
        CHECK(signed_->digest == api);
        CHECK(signed_->referrersCopied == 2);
        CHECK(signed_->fallbackIndexes == 1); // distribution 2.8 has no referrers API: the tag schema was written
        CHECK(skopeoDigest(reference.hostPort(), QStringLiteral("mirror/api:stable")) == api);
        CHECK(referrerDigests(&toReference, QStringLiteral("mirror/api"), api) == apiReferrers);

        // Back: the reference registry lists the referrers through the tag schema; minato-registry indexes them.
        RegistryClient fromReference(profileFor(reference.baseUrl(), ConnectionProfile::DefaultTimeoutMs));
        RegistryClient toMinato(profileFor(minato.baseUrl(), ConnectionProfile::DefaultTimeoutMs));
        const CopyResult back = copy(&fromReference, QStringLiteral("mirror/api"), QStringLiteral("stable"), &toMinato,
                                     QStringLiteral("back/api"), {}, options);
        INFO(why(back).toStdString());
        REQUIRE(back);
        CHECK(back->digest == api);
        CHECK(back->referrersCopied == 2);
        CHECK(back->fallbackIndexes == 0);
        CHECK(skopeoDigest(minato.hostPort(), QStringLiteral("back/api:stable")) == api);
        CHECK(referrerDigests(&toMinato, QStringLiteral("back/api"), api) == apiReferrers);
        const CopyResult indexBack = copy(&fromReference, QStringLiteral("mirror/nginx"), nginx.toString(), &toMinato,
                                          QStringLiteral("back/nginx"), QStringLiteral("1.27"));
        INFO(why(indexBack).toStdString());
        REQUIRE(indexBack);
        CHECK(skopeoDigest(minato.hostPort(), QStringLiteral("back/nginx:1.27")) == nginx);
    }

    SECTION("again: every blob is found in the target, nothing is sent")
    {
        const CopyResult first = copy(&fromMinato, QStringLiteral("library/nginx"), QStringLiteral("1.27"),
                                      &toReference, QStringLiteral("mirror/nginx"), {});
        REQUIRE(first);
        const CopyResult second = copy(&fromMinato, QStringLiteral("library/nginx"), QStringLiteral("1.27"),
                                       &toReference, QStringLiteral("mirror/nginx"), QStringLiteral("again"));
        INFO(why(second).toStdString());
        REQUIRE(second);
        CHECK(second->blobsCopied == 0);
        CHECK(second->bytesSent == 0);
        CHECK(second->blobsPresent == first->blobsCopied);
    }

    SECTION("within one registry: blobs are mounted, not sent")
    {
        RegistryClient same(profileFor(minato.baseUrl(), ConnectionProfile::DefaultTimeoutMs));
        const CopyResult r = copy(&fromMinato, QStringLiteral("team-a/api"), QStringLiteral("v1.2.3"), &same,
                                  QStringLiteral("copies/api"), {});
        INFO(why(r).toStdString());
        REQUIRE(r);
        CHECK(r->blobsMounted > 0);
        CHECK(r->blobsCopied == 0);
        CHECK(r->bytesSent == 0);
        CHECK(r->digest == api);
    }

    SECTION("a platform subset is a new index, and says so")
    {
        CopyJob::Options options;
        options.platforms = {*Minato::Oci::Platform::parse(u"linux/arm64")};
        options.referrers = true;
        const CopyResult r = copy(&fromMinato, QStringLiteral("library/nginx"), QStringLiteral("1.27"), &toReference,
                                  QStringLiteral("subset/nginx"), QStringLiteral("arm64"), options);
        INFO(why(r).toStdString());
        REQUIRE(r);
        CHECK(r->originalDigest == nginx);
        CHECK(r->digest != nginx);
        CHECK(skopeoDigest(reference.hostPort(), QStringLiteral("subset/nginx:arm64")) == r->digest);
        const auto read = runToEnd<ManifestQuery, ManifestResult>(
            toReference.manifest(QStringLiteral("subset/nginx"), QStringLiteral("arm64")), kTimeoutMs);
        REQUIRE(read);
        REQUIRE(read->hasValue());
        const auto &subset = std::get<Minato::Oci::ImageIndex>(*read->value().manifest);
        REQUIRE(subset.manifests.size() == 1); // the attestation describes amd64: left out with it
        CHECK(subset.manifests.constFirst().platform->architecture == QStringLiteral("arm64"));

        const auto sourceIndex = runToEnd<ManifestQuery, ManifestResult>(
            fromMinato.manifest(QStringLiteral("library/nginx"), QStringLiteral("1.27")), kTimeoutMs);
        REQUIRE(sourceIndex);
        const auto &all = std::get<Minato::Oci::ImageIndex>(*sourceIndex->value().manifest);
        const auto amd64 = all.findByPlatform(*Minato::Oci::Platform::parse(u"linux/amd64"));
        REQUIRE(amd64);
        CHECK(headStatus(reference.baseUrl(), QStringLiteral("subset/nginx"), amd64->digest.toString()) == 404);

        options.platforms = {*Minato::Oci::Platform::parse(u"linux/s390x")};
        const CopyResult missing = copy(&fromMinato, QStringLiteral("library/nginx"), QStringLiteral("1.27"),
                                        &toReference, QStringLiteral("subset/nginx"), QStringLiteral("s390x"), options);
        REQUIRE_FALSE(missing);
        CHECK(missing.error().kind() == ClientError::Kind::NotFound);
        CHECK(missing.error().technicalDetail().contains(QStringLiteral("linux/arm64")));
    }
}

TEST_CASE("CopyJob: a copy interrupted and run again sends only what is missing", "[client][copy][e2e]")
{
    EmbeddedRegistryProcess source;
    REQUIRE(source.start());
    ReferenceRegistry target;
    REQUIRE(target.start());
    const BigImage image = pushBigImage(source.baseUrl(), QStringLiteral("big/app"), QStringLiteral("v1"), 4,
                                        qsizetype(3) * 1024 * 1024 + 17);
    RegistryClient from(profileFor(source.baseUrl(), ConnectionProfile::DefaultTimeoutMs));
    RegistryClient to(profileFor(target.baseUrl(), ConnectionProfile::DefaultTimeoutMs));

    CopyJob::Options options;
    options.parallel = 1; // one blob at a time: the interruption falls between blob 1 and blob 2
    options.bufferBytesPerBlob = 256 * 1024;
    CopyJob::Image src;
    src.repository = QStringLiteral("big/app");
    src.reference = QStringLiteral("v1");
    CopyJob::Image dst;
    dst.repository = QStringLiteral("mirror/app");
    auto job = std::make_unique<CopyJob>(&from, src, &to, dst, options);
    int finishedBlobs = 0;
    qint64 interruptedBytes = 0;
    QObject::connect(job.get(), &CopyJob::blobFinished, job.get(),
                     [&finishedBlobs, &interruptedBytes, &job](const Minato::Oci::Descriptor &, const BlobCopyResult &r) {
                         REQUIRE(r);
                         interruptedBytes += r->bytesSent;
                         if (++finishedBlobs == 1) {
                             job->cancel();
                         }
                     });
    const auto interrupted = runToEnd<CopyJob, CopyResult>(job.get(), kTimeoutMs);
    REQUIRE(interrupted);
    CHECK(interrupted->isCancelled());
    CHECK(finishedBlobs == 1);
    CHECK(headStatus(target.baseUrl(), QStringLiteral("mirror/app"), QStringLiteral("v1")) == 404);
    int present = 0;
    for (const QByteArray &blob : image.layers + QList<QByteArray>{image.config}) {
        present += headStatus(target.baseUrl(), QStringLiteral("mirror/app"), Sha256Hasher::digestOf(blob).toString(),
                              QStringLiteral("blobs")) == 200;
    }
    CHECK(present == 1);
    job.reset();

    options.parallel = 4;
    QList<CopyProgress> progress;
    const CopyResult resumed =
        copy(&from, QStringLiteral("big/app"), QStringLiteral("v1"), &to, QStringLiteral("mirror/app"), {}, options,
             &progress);
    INFO(why(resumed).toStdString());
    REQUIRE(resumed);
    CHECK(resumed->blobsPresent == 1);
    CHECK(resumed->blobsCopied == 4); // of the four layers and the config, the one sent before the interruption
    CHECK(resumed->bytesSent + interruptedBytes == qint64(4) * (qint64(3) * 1024 * 1024 + 17) + image.config.size());
    CHECK(resumed->digest == Sha256Hasher::digestOf(image.manifest));
    CHECK(skopeoDigest(target.hostPort(), QStringLiteral("mirror/app:v1")) == Sha256Hasher::digestOf(image.manifest));
    for (const QByteArray &layer : image.layers) {
        const HttpResult got = httpFetch(
            "GET", urlOn(target.baseUrl(),
                         QStringLiteral("/v2/mirror/app/blobs/%1").arg(Sha256Hasher::digestOf(layer).toString())));
        REQUIRE(got.status == 200);
        CHECK(got.body == layer);
    }
    REQUIRE_FALSE(progress.isEmpty());
    CHECK(progress.constLast().doneBytes == progress.constLast().totalBytes);
}

TEST_CASE("CopyJob: a source whose bytes do not match their digest is refused, nothing appears in the target",
          "[client][copy][e2e]")
{
    // A stand-in source: no real registry serves corrupt bytes on cue. The manifest and config are right; the
    // layer's bytes are not the ones its digest names (same size).
    const QByteArray layer(300 * 1024, 'a');
    QByteArray corrupt = layer;
    corrupt[1000] = 'b';
    const QByteArray config("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
    const QByteArray manifest =
        QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                  {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
                                  {QStringLiteral("config"),
                                   descriptorOf(QStringLiteral("application/vnd.oci.image.config.v1+json"), config)},
                                  {QStringLiteral("layers"),
                                   QJsonArray{descriptorOf(QStringLiteral("application/vnd.oci.image.layer.v1.tar"), layer)}}})
            .toJson(QJsonDocument::Compact);
    const QString layerDigest = Sha256Hasher::digestOf(layer).toString();
    StandInServer server;
    REQUIRE(server.listen());
    server.setHandler([&](const StandInRequest &r) {
        StandInResponse response;
        if (r.path == "/v2/") {
            return StandInResponse::json(200, "{}");
        }
        if (r.path == "/v2/bad/app/manifests/v1") {
            response.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"},
                                {"Docker-Content-Digest", Sha256Hasher::digestOf(manifest).toString().toLatin1()}};
            response.body = manifest;
            return response;
        }
        if (r.path == "/v2/bad/app/blobs/" + Sha256Hasher::digestOf(config).toString().toLatin1()) {
            response.body = config;
            return response;
        }
        if (r.path == "/v2/bad/app/blobs/" + layerDigest.toLatin1()) {
            response.body = corrupt;
            return response;
        }
        return StandInResponse::json(404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"no\"}]}");
    });
    EmbeddedRegistryProcess target;
    REQUIRE(target.start());
    RegistryClient from(profileFor(server.baseUrl(), ConnectionProfile::DefaultTimeoutMs));
    RegistryClient to(profileFor(target.baseUrl(), ConnectionProfile::DefaultTimeoutMs));

    const CopyResult r = copy(&from, QStringLiteral("bad/app"), QStringLiteral("v1"), &to, QStringLiteral("good/app"), {});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind() == ClientError::Kind::InvalidResponse);
    CHECK(r.error().invalidReason() == ClientError::Invalid::DigestMismatch);
    CHECK(r.error().technicalDetail().contains(layerDigest));
    CHECK(headStatus(target.baseUrl(), QStringLiteral("good/app"), layerDigest, QStringLiteral("blobs")) == 404);
    CHECK(headStatus(target.baseUrl(), QStringLiteral("good/app"), QStringLiteral("v1")) == 404);
    // Not retried: a digest mismatch is the source's fault, not a transient one.
    int layerGets = 0;
    for (const StandInRequest &request : server.requests()) {
        layerGets += request.method == "GET" && request.path.endsWith(layerDigest.toLatin1()) ? 1 : 0;
    }
    CHECK(layerGets == 1);
}

TEST_CASE("CopyJob: a foreign (non-distributable) layer is referenced, not copied", "[client][copy][e2e]")
{
    EmbeddedRegistryProcess source;
    REQUIRE(source.start());
    EmbeddedRegistryProcess target;
    REQUIRE(target.start());
    const QByteArray layer("an ordinary layer");
    const QByteArray foreign("bytes that live at the URL only"); // never pushed anywhere
    const QByteArray config("{\"architecture\":\"amd64\",\"os\":\"windows\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
    pushBlob(source.baseUrl(), QStringLiteral("win/app"), layer);
    pushBlob(source.baseUrl(), QStringLiteral("win/app"), config);
    QJsonObject foreignDescriptor =
        descriptorOf(QStringLiteral("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"), foreign);
    foreignDescriptor.insert(QStringLiteral("urls"), QJsonArray{QStringLiteral("https://example.invalid/base.tar.gz")});
    const QByteArray manifest =
        QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                  {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
                                  {QStringLiteral("config"),
                                   descriptorOf(QStringLiteral("application/vnd.oci.image.config.v1+json"), config)},
                                  {QStringLiteral("layers"),
                                   QJsonArray{foreignDescriptor,
                                              descriptorOf(QStringLiteral("application/vnd.oci.image.layer.v1.tar"), layer)}}})
            .toJson(QJsonDocument::Compact);
    putManifest(source.baseUrl(), QStringLiteral("win/app"), QStringLiteral("ltsc"), manifest,
                "application/vnd.oci.image.manifest.v1+json");

    RegistryClient from(profileFor(source.baseUrl(), ConnectionProfile::DefaultTimeoutMs));
    RegistryClient to(profileFor(target.baseUrl(), ConnectionProfile::DefaultTimeoutMs));
    QList<CopyProgress> progress;
    const CopyResult r = copy(&from, QStringLiteral("win/app"), QStringLiteral("ltsc"), &to, QStringLiteral("win/app"),
                              {}, {}, &progress);
    INFO(why(r).toStdString());
    REQUIRE(r);
    CHECK(r->foreignSkipped == 1);
    CHECK(r->blobsCopied == 2);
    CHECK(r->digest == Sha256Hasher::digestOf(manifest));
    CHECK(headStatus(target.baseUrl(), QStringLiteral("win/app"), Sha256Hasher::digestOf(foreign).toString(),
                     QStringLiteral("blobs")) == 404);
    CHECK(skopeoDigest(target.hostPort(), QStringLiteral("win/app:ltsc")) == Sha256Hasher::digestOf(manifest));
    REQUIRE_FALSE(progress.isEmpty());
    CHECK(progress.constLast().totalBytes == layer.size() + config.size()); // the foreign layer is not counted
    CHECK(progress.constLast().inFlight.isEmpty());
}

TEST_CASE("CopyJob: cancelled in the middle of a blob, the destination drops its upload and shows nothing",
          "[client][copy][e2e]")
{
    EmbeddedRegistryProcess source;
    REQUIRE(source.start());
    EmbeddedRegistryProcess target;
    REQUIRE(target.start());
    const BigImage image =
        pushBigImage(source.baseUrl(), QStringLiteral("big/app"), QStringLiteral("v1"), 1, qsizetype(96) * 1024 * 1024);
    RegistryClient from(profileFor(source.baseUrl(), ConnectionProfile::DefaultTimeoutMs));
    RegistryClient to(profileFor(target.baseUrl(), ConnectionProfile::DefaultTimeoutMs));
    CopyJob::Options options;
    options.progressIntervalMs = 20;
    options.bufferBytesPerBlob = 256 * 1024;
    CopyJob::Image src;
    src.repository = QStringLiteral("big/app");
    src.reference = QStringLiteral("v1");
    CopyJob::Image dst;
    dst.repository = QStringLiteral("mirror/app");
    CopyJob job(&from, src, &to, dst, options);
    qint64 sentWhenCancelled = -1;
    const qint64 layerSize = image.layers.constFirst().size();
    QObject::connect(&job, &CopyJob::progress, &job, [&](const CopyProgress &p) {
        for (const CopyProgress::Blob &blob : p.inFlight) {
            if (blob.size == layerSize && blob.sent > 0 && blob.sent < blob.size && sentWhenCancelled < 0) {
                sentWhenCancelled = blob.sent;
                job.cancel();
                return;
            }
        }
    });
    const auto r = runToEnd<CopyJob, CopyResult>(&job, kTimeoutMs);
    REQUIRE(r);
    CHECK(r->isCancelled());
    INFO("cancelled after " << sentWhenCancelled << " of " << layerSize << " bytes");
    REQUIRE(sentWhenCancelled > 0); // the cancel fell in the middle of the layer
    CHECK(headStatus(target.baseUrl(), QStringLiteral("mirror/app"),
                     Sha256Hasher::digestOf(image.layers.constFirst()).toString(), QStringLiteral("blobs")) == 404);
    // The upload session is DELETEd (fire and forget): the destination's uploads/ empties.
    const QDir uploads(target.root() + QStringLiteral("/uploads"));
    bool empty = false;
    for (int i = 0; i < 100 && !empty; ++i) {
        QSignalSpy idle(&job, &QObject::destroyed);
        idle.wait(50);
        empty = uploads.entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty();
    }
    INFO(target.readOutput().toStdString());
    CHECK(empty);
}
